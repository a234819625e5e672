"""Where the API token comes from and goes to: the OS keyring, or memory for this session only.

No widgets; the token dialog and the settings dialog drive it. The token is held in memory once read
(the client asks for it on every request) and never written to a file, QSettings or the log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from pixverse_desktop.core.redact import register_secret
from pixverse_desktop.storage.secrets import (
    BackendInfo, KeyringUnavailable, MemoryTokenStore, TokenStore, keyring_backend_info,
)

log = logging.getLogger(__name__)

Verifier = Callable[[str], Awaitable[object]]   # raises api.errors.ApiError when the token is refused


class TokenManager:
    KEYRING, SESSION, FIXED = "keyring", "session", "fixed"

    def __init__(self, store: TokenStore, verify: Verifier, *, fixed: bool = False) -> None:
        """``store``: the keyring store (or, with ``fixed``, a memory store holding a given token: demo mode,
        tests, ``USEAPI_TOKEN``)."""
        self.store = store
        self._verify = verify
        self.fixed = fixed
        self.token: str | None = None
        self.where = ""                  # KEYRING | SESSION | FIXED | "" (no token)
        self.keyring_problem = ""        # why the keyring cannot be used, in words
        self.on_change: Callable[[], None] = lambda: None

    def provider(self) -> str | None:
        return self.token

    def _set(self, token: str | None, where: str) -> None:
        register_secret(token)
        self.token, self.where = token, (where if token else "")
        self.on_change()

    async def load(self) -> str | None:
        """Reads the stored token (a worker thread: the keyring may block on D-Bus)."""
        try:
            token = await self.store.aget()
        except KeyringUnavailable as exc:
            self.keyring_problem = str(exc)
            log.info("keyring unavailable: %s", exc)
            return None
        self._set(token, self.FIXED if self.fixed else self.KEYRING)
        return token

    async def backend_info(self) -> BackendInfo:
        if self.fixed or isinstance(self.store, MemoryTokenStore):
            return BackendInfo("memory", False, self.store.description)
        return await asyncio.to_thread(keyring_backend_info)

    async def verify(self, token: str) -> None:
        register_secret(token)
        await self._verify(token)

    async def save(self, token: str) -> None:
        """Into the keyring; raises KeyringUnavailable (with the reason in words)."""
        token = token.strip()
        await self.store.aset(token)
        self.keyring_problem = ""
        self._set(token, self.FIXED if self.fixed else self.KEYRING)

    def use_for_session(self, token: str) -> None:
        self._set(token.strip(), self.SESSION)

    async def forget(self) -> None:
        if not self.fixed:
            try:
                await self.store.adelete()
            except KeyringUnavailable as exc:
                self.keyring_problem = str(exc)
        self._set(None, "")

    def describe(self) -> str:
        """Where the token is, in English (logs, tests); :meth:`describe_translated` for the UI."""
        return _WHERE.get(self.where, _NOT_SET)

    def describe_translated(self) -> str:
        return QCoreApplication.translate("TokenManager", self.describe())


_WHERE = {TokenManager.KEYRING: QT_TRANSLATE_NOOP("TokenManager", "saved in the OS keyring"),
          TokenManager.SESSION: QT_TRANSLATE_NOOP("TokenManager", "for this session only (not saved)"),
          TokenManager.FIXED: QT_TRANSLATE_NOOP("TokenManager", "given for this run (not saved)")}
_NOT_SET = QT_TRANSLATE_NOOP("TokenManager", "not set")
