"""The main window's own dialogs: Settings, Keyboard shortcuts, About.

Each is opened window-modal with ``open()`` and awaited through its ``finished`` signal: no nested
event loop (``exec()``) under qasync, so jobs keep running and repainting while a dialog is up. At most
one of each kind is open; asking again brings it to the front.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog
from qasync import asyncSlot

from .form_values import preset_values

# The dialogs are imported when first opened: nobody needs them to see the window (bench_startup).

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowDialogs(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.open: dict[str, QDialog] = {}   # kind -> the dialog on screen

    async def run(self, name: str, dialog: QDialog) -> int:
        if self.open.get(name) is not None:
            self.open[name].raise_()
            self.open[name].activateWindow()
            dialog.deleteLater()
            return -1
        self.open[name] = dialog
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda r: done.done() or done.set_result(r))
        dialog.open()
        try:
            return await done
        finally:
            self.open.pop(name, None)
            dialog.deleteLater()

    @asyncSlot()
    async def settings(self) -> None:
        from .settings_dialog import SettingsDialog

        w = self.window
        dialog = SettingsDialog(w.services.settings, w.services.tokens, w, presets=w.presets,
                                form_values=lambda: preset_values(w.form), apply_preset=w.form.presets.apply_name)
        dialog.themePreview.connect(self.preview_theme)
        dialog.applied.connect(w.settingsApplied.emit)
        await self.run("settings", dialog)

    @asyncSlot()
    async def shortcuts(self) -> None:
        from .shortcuts_dialog import ShortcutsDialog

        await self.run("shortcuts", ShortcutsDialog(self.window))

    @asyncSlot()
    async def about(self) -> None:
        from .about_dialog import AboutDialog

        await self.run("about", AboutDialog(self.window))

    def preview_theme(self, mode: str) -> None:
        theme = self.window.services.theme
        if theme is not None:
            theme.set_mode(mode)
