"""The account banner: token and account problems (401, 412, 596) with the fix, above everything."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from pixverse_desktop.api.errors import (
    ACCOUNTS_HELP_URL, TOKEN_HELP_URL, AccountPendingError, InsufficientCredits, Unauthorized,
)

CREDITS_URL = "https://app.pixverse.ai"
_TITLES = (Unauthorized.title, AccountPendingError.title, InsufficientCredits.title)


class AccountBanner(QFrame):
    enterTokenRequested = Signal()
    retryRequested = Signal(object)   # the account email (or None) the problem was about

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setAccessibleName(self.tr("Account problem"))
        self.kind = ""
        self.email: str | None = None
        self.icon = QLabel("⚠")
        self.icon.setStyleSheet("font-size:16pt;color:#e5484d;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setAccessibleName(self.tr("Account problem and how to fix it"))
        self.action = QPushButton()
        self.action.setAccessibleName(self.tr("Fix the account problem"))
        self.action.clicked.connect(self._act)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.hide()

    def show_problem(self, kind: str, message: str, email: str | None = None) -> None:
        """``kind``: unauthorized | credits | pending_error (AccountProblem.kind), or no_token (nothing was
        entered yet: a calm note, not an error)."""
        import html   # here: html.entities is ~2 ms of a start that shows no banner

        self.kind, self.email = kind, email
        who = f"<b>{html.escape(email)}</b>: " if email else ""
        self.icon.setText("ℹ" if kind == "no_token" else "⚠")
        self.icon.setStyleSheet("font-size:16pt;color:%s;" % ("#7c5cff" if kind == "no_token" else "#e5484d"))
        if kind == "no_token":
            who = ""
            message = self.tr("No API token yet — Settings → API token…")
            fix = self.tr('Enter your useapi.net token to see your videos and start jobs. '
                          '<a href="%s">Where do I get one?</a>') % TOKEN_HELP_URL
            self.action.setText(self.tr("Enter token…"))
        elif kind == "unauthorized":
            fix = self.tr('Enter a valid token. <a href="%s">Where do I get one?</a>') % TOKEN_HELP_URL
            self.action.setText(self.tr("Enter token…"))
        elif kind == "pending_error":
            fix = self.tr('Update the account\'s details on useapi.net (<a href="%s">how</a>), then press Try '
                          'again.') % ACCOUNTS_HELP_URL
            self.action.setText(self.tr("Try again"))
        elif kind == "credits":
            fix = self.tr('Top up at <a href="%s">pixverse.ai</a> or choose another account, then press Try '
                          'again (and Retry on a job that failed).') % CREDITS_URL
            self.action.setText(self.tr("Try again"))
        else:
            fix = ""
            self.action.setText(self.tr("Try again"))
        # What is wrong, from the error's title; how to fix it, from the banner's own line with its
        # links (the error's message says the fix too, in plain text: shown both, it read twice).
        title = next((t for t in _TITLES if message.startswith(t)), None)
        message = title + "." if title else message
        self.text.setText(f"{who}{html.escape(message)}<br><span>{fix}</span>")
        self.action.setAccessibleName(self.action.text())
        self.show()

    def clear(self, email: str | None = None) -> None:
        if email is None or email == self.email:
            self.hide()
            self.kind = ""

    def message_text(self) -> str:
        return self.text.text()

    def _act(self) -> None:
        if self.kind in ("unauthorized", "no_token"):
            self.enterTokenRequested.emit()
        else:
            self.retryRequested.emit(self.email)
