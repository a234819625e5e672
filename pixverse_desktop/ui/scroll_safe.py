"""Boxes that leave the mouse wheel to the form they sit in.

In a form that scrolls, a combo or spin box under the pointer took the wheel: scrolling down the
Extend form changed Length from 5 to 8 seconds and switched the Account on the way (found by a new
user). Here only a box that has the focus (clicked into, or reached with Tab) takes the wheel, as in
browsers; otherwise the wheel goes on to the scroll area behind it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox


class _WheelWhenFocused:
    def _init_focus(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # the wheel does not give them the focus

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()   # passed on to the parent: the scroll area scrolls


class ScrollSafeComboBox(_WheelWhenFocused, QComboBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_focus()


class ScrollSafeSpinBox(_WheelWhenFocused, QSpinBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._init_focus()
