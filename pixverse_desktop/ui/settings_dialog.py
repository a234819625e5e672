"""Settings: token, library, downloads, notifications, colours; new-job defaults and status checks; presets.

Everything except the token is a declared option in ``storage.settings`` (QSettings). The colour
scheme is previewed live while the dialog is open and reverted on Cancel; the rest applies on Save,
and :attr:`SettingsDialog.applied` names the options that changed so the app can hand them to the
engine at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)
from qasync import asyncSlot

from pixverse_desktop.api.validate import FAST_MOTION_RULE
from pixverse_desktop.storage.settings import OPTIONS, Settings

from .confirm import confirm
from .field_errors import error_label
from .icons import legible_file_dialog
from .presets import PresetsPage, PresetStore
from .token_dialog import TokenDialog
from .token_manager import TokenManager

POLL_KEYS = ("poll_min_s", "poll_max_s")


def _combo(name: str, items, current) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for text, value in items:
        box.addItem(text, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def _page(*boxes: QWidget) -> QWidget:
    """A settings tab: its boxes stacked at the top."""
    page = QWidget()
    layout = QVBoxLayout(page)
    for box in boxes:
        layout.addWidget(box)
    layout.addStretch(1)
    return page


class SettingsDialog(QDialog):
    applied = Signal(object)        # frozenset of the option keys that changed
    themePreview = Signal(str)      # system | light | dark, while choosing (and the old one on Cancel)

    def __init__(self, settings: Settings, tokens: TokenManager, parent: QWidget | None = None, *,
                 presets: PresetStore | None = None, form_values: Callable[[], dict] | None = None,
                 apply_preset: Callable[[str], object] | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tokens = tokens
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumWidth(560)
        self._theme_at_open = settings.get("theme")

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Settings pages"))
        self.tabs.addTab(self._general_page(), self.tr("General"))
        self.tabs.addTab(self._jobs_page(), self.tr("New jobs"))
        self.presets_page = PresetsPage(presets or PresetStore(settings, self), form_values, apply_preset)
        self.tabs.addTab(self.presets_page, self.tr("Presets"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName(self.tr("Save the settings"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel and close"))
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self._refresh_token()
        self._validate()

    # -- pages ----------------------------------------------------------------------------------

    def _general_page(self) -> QWidget:
        s = self.settings
        self.token_label = QLabel()
        self.token_label.setWordWrap(True)
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
        self.token_note = token_note = QLabel()   # follows where the token really is (_refresh_token)
        token_note.setObjectName("Muted")
        token_note.setWordWrap(True)
        token_box = QGroupBox(self.tr("API token"))
        token_layout = QVBoxLayout(token_box)
        token_layout.addLayout(token_row)
        token_layout.addWidget(token_note)

        self.library = QLineEdit(s.get("library_dir"))
        self.library.setAccessibleName(self.tr("Library folder"))
        self.library.setToolTip(self.tr(OPTIONS["library_dir"].help))
        self.library.textChanged.connect(self._validate)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setAccessibleName(self.tr("Choose the library folder"))
        self.browse_button.clicked.connect(self._browse)
        library_row = QHBoxLayout()
        library_row.addWidget(self.library, 1)
        library_row.addWidget(self.browse_button)
        self.library_error = error_label()
        self.library.textChanged.connect(lambda: self.library_error.setVisible(False))
        self.auto_download = QCheckBox(self.tr("Download every finished video into the library"))
        self.auto_download.setAccessibleName(self.tr("Download finished videos automatically"))
        self.auto_download.setChecked(s.get("auto_download"))
        self.notifications = QCheckBox(self.tr("Notify me when a job finishes or fails"))
        self.notifications.setAccessibleName(self.tr("Desktop notifications"))
        self.notifications.setToolTip(self.tr("Also while the window is minimized or hidden"))
        self.notifications.setChecked(s.get("notifications"))
        self.theme = _combo(self.tr("Colour scheme"), ((self.tr("Follow the system"), "system"),
                                                      (self.tr("Light"), "light"), (self.tr("Dark"), "dark")),
                            s.get("theme"))
        self.theme.currentIndexChanged.connect(lambda: self.themePreview.emit(self.theme.currentData()))
        box = QGroupBox(self.tr("Library and notifications"))
        form = QFormLayout(box)
        form.addRow(self.tr("Library folder"), library_row)
        form.addRow("", self.library_error)
        form.addRow("", self.auto_download)
        form.addRow("", self.notifications)
        form.addRow(self.tr("Colours"), self.theme)
        return _page(token_box, box)

    def _jobs_page(self) -> QWidget:
        s = self.settings
        self.default_duration = _combo(self.tr("Default duration"),
                                       ((self.tr("5 seconds"), 5), (self.tr("8 seconds"), 8)),
                                       s.get("default_duration"))
        self.default_quality = _combo(self.tr("Default quality"), (("540p", "540p"), ("360p", "360p")),
                                      s.get("default_quality"))
        self.default_motion = _combo(self.tr("Default motion"),
                                     ((self.tr("Normal"), "normal"), (self.tr("Fast"), "fast")),
                                     s.get("default_motion"))
        self.default_style = _combo(self.tr("Default style"),
                                    ((self.tr("None"), ""), (self.tr("Anime"), "anime"),
                                     (self.tr("3D animation"), "3d_animation"), (self.tr("Clay"), "clay")),
                                    s.get("default_style"))
        defaults = QGroupBox(self.tr("Defaults for a new form"))
        form = QFormLayout(defaults)
        form.addRow(self.tr("Duration"), self.default_duration)
        form.addRow(self.tr("Quality"), self.default_quality)
        form.addRow(self.tr("Motion"), self.default_motion)
        self.motion_error = QLabel()   # the form's rule, shown here too: a default the form would refuse
        self.motion_error.setObjectName("FieldError")
        self.motion_error.setWordWrap(True)
        self.motion_error.setVisible(False)
        form.addRow("", self.motion_error)
        self.default_duration.currentIndexChanged.connect(self._validate)
        self.default_motion.currentIndexChanged.connect(self._validate)
        form.addRow(self.tr("Style"), self.default_style)
        note = QLabel(self.tr("“Defaults” in the form's Presets menu applies them at any time."))
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow(note)

        self.poll_min = self._seconds(self.tr("Shortest wait between status checks"), 0.05, 60, s.get("poll_min_s"))
        self.poll_max = self._seconds(self.tr("Longest wait between status checks"), 1, 600, s.get("poll_max_s"))
        self.poll_error = QLabel()
        self.poll_error.setObjectName("FieldError")
        self.poll_error.setWordWrap(True)
        self.poll_error.setVisible(False)
        polling = QGroupBox(self.tr("Status checks"))
        poll_form = QFormLayout(polling)
        poll_form.addRow(self.tr("Shortest wait"), self.poll_min)
        poll_form.addRow(self.tr("Longest wait"), self.poll_max)
        poll_form.addRow(self.poll_error)
        hint = QLabel(self.tr("The app checks when a job is expected to finish, within these bounds. "
                              "Shorter waits show results sooner but use more requests."))
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        poll_form.addRow(hint)
        return _page(defaults, polling)

    def _seconds(self, name: str, low: float, high: float, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setAccessibleName(name)
        box.setToolTip(name)
        box.setDecimals(2)
        box.setRange(low, high)
        box.setSingleStep(0.5)
        box.setSuffix(self.tr(" s"))
        box.setValue(value)
        box.valueChanged.connect(self._validate)
        return box

    # -- behaviour ------------------------------------------------------------------------------

    def _validate(self, *_args) -> bool:
        problems = []
        if not hasattr(self, "poll_min"):
            return True
        if self.poll_min.value() > self.poll_max.value():
            problems.append(self.tr("The shortest wait cannot be longer than the longest wait."))
        self.poll_error.setText(" ".join(problems))
        self.poll_error.setVisible(bool(problems))
        motion_bad = self.default_motion.currentData() == "fast" and self.default_duration.currentData() != 5
        self.motion_error.setText(self.tr(FAST_MOTION_RULE) + "." if motion_bad else "")
        self.motion_error.setVisible(motion_bad)
        if motion_bad:
            problems.append(self.motion_error.text())
        if not self.library.text().strip():
            problems.append(self.tr("Choose a library folder."))
        self.save_button.setEnabled(not problems)
        self.save_button.setToolTip(" ".join(problems))
        return not problems

    def _refresh_token(self) -> None:
        where = self.tokens.where
        self.token_label.setText(self.tr("Token: %s") % self.tokens.describe_translated())
        notes = {
            TokenManager.KEYRING: self.tr("The token is kept in the OS keyring, never in the settings file."),
            TokenManager.SESSION: self.tr("The token is held in memory and forgotten when the app closes; "
                                          "nothing is saved."),
            TokenManager.FIXED: self.tr("The token was given for this run (demo mode, or the USEAPI_TOKEN "
                                        "environment variable) and is not saved."),
        }
        self.token_note.setText(notes.get(where, self.tr(
            "No token is set. Enter one with Replace…; it is saved in the OS keyring, never in the settings "
            "file.")))
        self.forget_button.setEnabled(where in (TokenManager.KEYRING, TokenManager.SESSION))
        self.forget_button.setToolTip(self.tr("Delete the token from the OS keyring") if where == TokenManager.KEYRING
                                      else self.tr("Forget the token held for this session")
                                      if where == TokenManager.SESSION else self.tr("No token is saved"))
        self.replace_button.setEnabled(self.tokens.where != TokenManager.FIXED)

    @asyncSlot()
    async def _replace(self) -> None:
        await TokenDialog(self.tokens, self, first_run=False).ask()
        self._refresh_token()

    def _forget(self) -> None:
        """Asked first: one click deleted the token from the keyring, and Cancel did not bring it back
        (new-user pass)."""
        keyring = self.tokens.where == TokenManager.KEYRING
        self.forget_box = confirm(
            self, "ForgetTokenBox", self.tr("Forget the API token"),
            self.tr("Delete the API token from the OS keyring? You will need to paste it again.")
            if keyring else self.tr("Forget the token held for this session?"), self.tr("Forget"), self._forget_now)

    @asyncSlot()
    async def _forget_now(self) -> None:
        await self.tokens.forget()
        self._refresh_token()

    def _browse(self) -> None:
        dialog = QFileDialog(self, self.tr("Library folder"), self.library.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: folder and self.library.setText(folder))
        dialog.open()   # not exec(): no nested event loop under qasync
        legible_file_dialog(dialog)

    def values(self) -> dict:
        return {
            "library_dir": self.library.text().strip(),
            "auto_download": self.auto_download.isChecked(),
            "notifications": self.notifications.isChecked(),
            "theme": self.theme.currentData(),
            "default_duration": self.default_duration.currentData(),
            "default_quality": self.default_quality.currentData(),
            "default_motion": self.default_motion.currentData(),
            "default_style": self.default_style.currentData(),
            "poll_min_s": round(self.poll_min.value(), 2),
            "poll_max_s": round(self.poll_max.value(), 2),
        }

    def _library_problem(self) -> str:
        """Checked on Save, not per keystroke: a folder that cannot be made or written was accepted,
        and every finished job then said "the download failed" instead."""
        folder = Path(self.library.text().strip()).expanduser()
        if str(folder) == self.settings.get("library_dir"):
            return ""   # unchanged: not made here just because Settings was opened
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self.tr("This folder cannot be made: %s.") % (exc.strerror or exc)
        if not os.access(folder, os.W_OK | os.X_OK):
            return self.tr("This folder cannot be written to. Choose another one.")
        return ""

    def _save(self) -> None:
        if not self._validate():
            return
        problem = self._library_problem()
        if problem:
            self.library_error.setText(problem)
            self.library_error.setVisible(True)
            self.tabs.setCurrentIndex(0)
            self.library.setFocus()
            return
        changed = {key for key, value in self.values().items() if self.settings.get(key) != value}
        for key in changed:
            self.settings.set(key, self.values()[key])
        self.settings.sync()
        self._theme_at_open = self.settings.get("theme")
        self.applied.emit(frozenset(changed))
        self.accept()

    def reject(self) -> None:
        if self.theme.currentData() != self._theme_at_open:
            self.themePreview.emit(self._theme_at_open)   # undo the live preview
        super().reject()
