"""The last-resort error dialog for anything unexpected, with "Copy details" (redacted)."""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from typing import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from pixverse_desktop import __version__
from pixverse_desktop.core.redact import redact

log = logging.getLogger(__name__)


def error_details(exc_type, exc, tb) -> str:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    header = (f"PixVerse Desktop {__version__}, Python {platform.python_version()}, "
              f"PySide6 {pyside_version}, {platform.platform()}\n\n")
    return redact(header + text)


class ErrorDialog(QDialog):
    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setAccessibleName(self.tr("Error"))
        self.details = details
        intro = QLabel(self.tr("PixVerse Desktop hit an unexpected problem. Your jobs are safe in the journal. "
                               "If it keeps happening, copy the details into a bug report."))
        intro.setWordWrap(True)
        summary_label = QLabel(f"<b>{redact(summary)}</b>")
        summary_label.setWordWrap(True)
        box = QPlainTextEdit(details)
        box.setReadOnly(True)
        box.setAccessibleName(self.tr("Error details"))
        box.setMinimumSize(560, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(summary_label)
        layout.addWidget(box, 1)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


class ExceptHook:
    """Installed as ``sys.excepthook``: logs (redacted) and shows a non-blocking :class:`ErrorDialog`.

    qasync's ``asyncSlot`` hands uncaught errors here too. ``errors`` keeps what was seen (smoke test).
    """

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None, show_dialog: bool = True) -> None:
        self.parent = parent
        self.show_dialog = show_dialog
        self.errors: list[str] = []
        self.dialogs: list[ErrorDialog] = []
        self._previous = sys.excepthook

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        details = error_details(exc_type, exc, tb)
        self.errors.append(details)
        log.error("unexpected error:\n%s", details)
        if self.show_dialog and QGuiApplication.instance() is not None:
            dialog = ErrorDialog(f"{exc_type.__name__}: {exc}", details, self.parent())
            self.dialogs.append(dialog)
            dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
            dialog.open()

    def install(self) -> "ExceptHook":
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous
