"""Help → About: the app's version and the versions a bug report needs, with "Copy" for pasting them.

Library versions come from the installed distributions' metadata (``importlib.metadata``), so this
module never imports httpx itself (the ui layer makes no HTTP calls). The keyring backend is looked up
in a worker thread: asking the keyring can wait on D-Bus.
"""

from __future__ import annotations

import asyncio
import logging
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pixverse_desktop import APP_NAME, __version__
from pixverse_desktop.core.paths import log_dir
from pixverse_desktop.storage.secrets import keyring_backend_info

from .icons import app_icon
from .theme import current_colors

log = logging.getLogger(__name__)
LIBRARIES = ("httpx", "qasync", "keyring")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def versions() -> dict[str, str]:
    info = {APP_NAME: __version__, "Qt": qVersion(), "PySide6": pyside_version,
            "Python": f"{platform.python_version()} ({platform.python_implementation()})"}
    info.update({name: _version(name) for name in LIBRARIES})
    info["OS"] = platform.platform(terse=True)
    return info


async def keyring_backend() -> str:
    try:
        backend = await asyncio.wait_for(asyncio.to_thread(keyring_backend_info), 10)
    except Exception as exc:  # noqa: BLE001 - About must open even when the keyring is broken
        log.info("keyring backend lookup failed: %s", type(exc).__name__)
        return "?"
    return backend.name if backend.usable else f"{backend.name} (unavailable)"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About %s") % APP_NAME)
        self.setAccessibleName(self.tr("About %s") % APP_NAME)
        self.info = versions()
        self.info["Keyring"] = self.tr("looking…")
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<span style='font-size:15pt;font-weight:600'>{APP_NAME}</span><br>"
                       + self.tr("Version %s") % __version__)
        blurb = QLabel(self.tr("Extend your AI-generated clips with PixVerse through the useapi.net API, "
                               "and compare them with their source in the built-in player."))
        blurb.setWordWrap(True)
        self.table = QLabel()
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.setAccessibleName(self.tr("Versions"))
        logs = QLabel(self.tr("Logs: %s") % log_dir())
        logs.setObjectName("Muted")
        logs.setWordWrap(True)
        logs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(blurb)
        text.addSpacing(6)
        text.addWidget(self.table)
        text.addWidget(logs)
        head = QHBoxLayout()
        head.addWidget(logo)
        head.addSpacing(12)
        head.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        self.copy_button = buttons.addButton(self.tr("Copy versions"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName(self.tr("Copy the versions to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._render()
        self.lookup = asyncio.ensure_future(self._fill_keyring())

    def _render(self) -> None:
        muted = current_colors().muted
        rows = "".join(f"<tr><td style='padding-right:14px;color:{muted}'>{k}</td>"
                       f"<td>{v}</td></tr>" for k, v in self.info.items() if k != APP_NAME)
        self.table.setText(f"<table>{rows}</table>")

    async def _fill_keyring(self) -> None:
        self.info["Keyring"] = await keyring_backend()
        self._render()

    def text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.info.items())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def done(self, result: int) -> None:
        self.lookup.cancel()
        super().done(result)
