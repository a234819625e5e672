"""A question with Cancel and one action, asked without blocking: ``open()``, not ``exec()``, so no
nested event loop runs under qasync. Forget the token, delete a preset, quit with jobs not sent yet."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QWidget


def confirm(parent: QWidget, name: str, title: str, text: str, action: str, on_action: Callable[[], object],
            *, destructive: bool = True):
    """The box (``name`` is its object name); ``on_action`` runs if the action's button is clicked.
    ``destructive`` (delete, forget): Cancel is the default button; otherwise (Quit, which was asked for)
    the action is."""
    from PySide6.QtWidgets import QMessageBox   # first use: the window's start does without it

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    role = QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    button = box.addButton(action, role)
    box.setDefaultButton(box.button(QMessageBox.StandardButton.Cancel) if destructive else button)
    box.setObjectName(name)
    box.buttonClicked.connect(lambda clicked: clicked is button and on_action())
    box.open()
    return box
