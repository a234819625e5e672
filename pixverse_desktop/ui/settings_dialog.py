"""Settings: the API token (replace / forget), the library folder, auto-download and the colour scheme."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QVBoxLayout, QWidget,
)
from qasync import asyncSlot

from pixverse_desktop.storage.settings import Settings

from .token_dialog import TokenDialog
from .token_manager import TokenManager


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, tokens: TokenManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tokens = tokens
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)

        self.token_label = QLabel()
        self.replace_button = QPushButton(self.tr("Replace…"))
        self.replace_button.setAccessibleName(self.tr("Replace the API token"))
        self.replace_button.clicked.connect(self._replace)
        self.forget_button = QPushButton(self.tr("Forget"))
        self.forget_button.setAccessibleName(self.tr("Forget the API token"))
        self.forget_button.clicked.connect(self._forget)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_label, 1)
        token_row.addWidget(self.replace_button)
        token_row.addWidget(self.forget_button)

        self.library = QLineEdit(settings.get("library_dir"))
        self.library.setAccessibleName(self.tr("Library folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        library_row = QHBoxLayout()
        library_row.addWidget(self.library, 1)
        library_row.addWidget(browse)
        self.auto_download = QCheckBox(self.tr("Download every finished video into the library"))
        self.auto_download.setChecked(settings.get("auto_download"))
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Colour scheme"))
        for text, value in ((self.tr("Follow the system"), "system"), (self.tr("Light"), "light"),
                            (self.tr("Dark"), "dark")):
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.get("theme"))))

        form = QFormLayout()
        form.addRow(self.tr("API token"), token_row)
        form.addRow(self.tr("Library"), library_row)
        form.addRow("", self.auto_download)
        form.addRow(self.tr("Colours"), self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._refresh_token()

    def _refresh_token(self) -> None:
        self.token_label.setText(self.tr("Token: %s") % self.tr(self.tokens.describe()))
        self.forget_button.setEnabled(bool(self.tokens.token) and self.tokens.where != TokenManager.FIXED)
        self.replace_button.setEnabled(self.tokens.where != TokenManager.FIXED)

    @asyncSlot()
    async def _replace(self) -> None:
        await TokenDialog(self.tokens, self, first_run=False).ask()
        self._refresh_token()

    @asyncSlot()
    async def _forget(self) -> None:
        await self.tokens.forget()
        self._refresh_token()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Library folder"), self.library.text())
        if folder:
            self.library.setText(folder)

    def _save(self) -> None:
        if self.library.text().strip():
            self.settings.set("library_dir", self.library.text().strip())
        self.settings.set("auto_download", self.auto_download.isChecked())
        self.settings.set("theme", self.theme.currentData())
        self.settings.sync()
        self.accept()
