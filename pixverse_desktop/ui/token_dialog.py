"""Asks for the useapi.net API token, checks it with GET /accounts, then saves it in the OS keyring."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from pixverse_desktop.api.errors import TOKEN_HELP_URL, ApiError, Unauthorized
from pixverse_desktop.core.redact import redact
from pixverse_desktop.storage.secrets import KeyringUnavailable

from .token_manager import TokenManager


class TokenDialog(QDialog):
    def __init__(self, manager: TokenManager, parent: QWidget | None = None, *, first_run: bool = True) -> None:
        super().__init__(parent)
        self.manager = manager
        self._task: asyncio.Task | None = None
        self.setWindowTitle(self.tr("useapi.net API token"))
        self.setAccessibleName(self.tr("API token"))
        self.setMinimumWidth(520)

        heading = QLabel(self.tr("Welcome to PixVerse Desktop") if first_run else
                         self.tr("Replace the API token") if manager.token else self.tr("Enter your API token"))
        heading.setObjectName("CardTitle")
        self.intro = intro = QLabel(self.tr(
            'PixVerse Desktop talks to PixVerse through useapi.net. Paste your useapi.net API token; '
            '<a href="%s">where do I get one?</a> It is checked with the service before it is saved in '
            'your system keyring, never in a file.') % TOKEN_HELP_URL
            + (self.tr(' No token yet? <code>pixverse-desktop --demo</code> tries everything on a '
                       'simulated service, without one.') if first_run else ''))
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(self.tr("user:1234-…"))
        self.edit.setAccessibleName(self.tr("API token"))
        self.edit.textChanged.connect(self._changed)
        self.show_box = QCheckBox(self.tr("Show"))
        self.show_box.setAccessibleName(self.tr("Show the token"))
        self.show_box.toggled.connect(lambda on: self.edit.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.show_box)
        self.backend_label = QLabel()
        self.backend_label.setObjectName("Muted")
        self.backend_label.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("FieldError")
        self.status.setVisible(False)
        for label in (heading, intro, self.backend_label, self.status):
            # Wrapped text takes the height it needs, never less (the dialog grows rather than clip it).
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            label.setMinimumWidth(300)

        self.save_button = QPushButton(self.tr("Check and save"))
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self._start(session_only=False))
        self.session_button = QPushButton(self.tr("Use for this session only"))
        self.session_button.setToolTip(self.tr("Keep the token in memory until the app closes; nothing is saved"))
        self.session_button.clicked.connect(lambda: self._start(session_only=True))
        self.session_button.setVisible(False)
        self.forget_button = QPushButton(self.tr("Forget saved token"))
        self.forget_button.clicked.connect(self._forget)
        # Only a token that is saved can be forgotten (not one held for this session or given for this run).
        self.forget_button.setVisible(manager.where == TokenManager.KEYRING and not first_run)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forget_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.session_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.backend_label)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._changed()
        asyncio.ensure_future(self._describe_backend())

    async def _describe_backend(self) -> None:
        info = await self.manager.backend_info()
        if info.usable:
            self.backend_label.setText(self.tr("The token will be stored in %s.") % info.detail)
        else:
            detail = self.manager.keyring_problem or info.detail
            self.backend_label.setText(self.tr("No usable keyring: %s. You can still use the token for this "
                                               "session only; it is then held in memory and forgotten when "
                                               "the app closes.") % detail.rstrip(". "))
            self.session_button.setVisible(True)
            self.save_button.setVisible(False)
            self.session_button.setObjectName("Primary")
            self.session_button.setDefault(True)
        self._fit()

    def _fit(self) -> None:
        """Grows the dialog to the height its wrapped texts need at the current width (texts change after
        it is shown: the keyring note, errors)."""
        layout = self.layout()
        layout.activate()
        need = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                else layout.totalSizeHint().height())
        need = max(need, layout.totalMinimumSize().height())
        self.setMinimumHeight(need)
        if self.height() < need:
            self.resize(self.width(), need)

    def _changed(self) -> None:
        ok = bool(self.edit.text().strip()) and self._task is None
        self.save_button.setEnabled(ok)
        self.session_button.setEnabled(ok)

    def _start(self, session_only: bool) -> None:
        if self._task is None and self.edit.text().strip():
            self._task = asyncio.ensure_future(self._submit(self.edit.text().strip(), session_only))

    async def _submit(self, token: str, session_only: bool) -> None:
        self.status.setObjectName("Muted")
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Checking the token with useapi.net…"))
        self.status.setVisible(True)
        self._fit()
        self._changed()
        try:
            try:
                await self.manager.verify(token)
            except Unauthorized:
                # Not the app-wide message: it points to Settings → API token, and this is that place.
                self._error(self.tr("This token was not accepted by useapi.net. Check that you pasted all "
                                    "of it, or get a new one."))
                return
            except ApiError as exc:
                self._error(exc.user_message)
                return
            if session_only:
                self.manager.use_for_session(token)
                self.accept()
                return
            try:
                await self.manager.save(token)
            except KeyringUnavailable as exc:
                self._error(self.tr("The token works, but it could not be saved: %s") % exc)
                self.session_button.setVisible(True)
                return
            self.accept()
        finally:
            self._task = None
            self._changed()

    def _error(self, text: str) -> None:
        self.status.setObjectName("FieldError")
        self.status.setStyleSheet("color:#e5484d;")
        self.status.setText(redact(text))
        self.status.setVisible(True)
        self._fit()

    def _forget(self) -> None:
        async def forget() -> None:
            await self.manager.forget()
            self.done(2)
        asyncio.ensure_future(forget())

    async def ask(self) -> bool:
        """Shows the dialog without blocking the loop; True once a token is in place."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.finished.connect(lambda result: done.done() or done.set_result(result))
        # Typing or pasting at once goes into the token field; the link in the text above came first in
        # the focus chain, so a Ctrl+V did nothing (new-user pass).
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.open()
        return await done == QDialog.DialogCode.Accepted
