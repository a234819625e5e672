"""The API token: in the OS keyring (service ``pixverse-desktop``), never in a file.

``KeyringTokenStore`` says which backend holds the token and reports a missing or locked keyring in
words; ``MemoryTokenStore`` is the "this session only" fallback and the twin used in tests. Keyring
calls can block (D-Bus, an unlock prompt), so the async wrappers run them in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from pixverse_desktop import KEYRING_SERVICE
from pixverse_desktop.core.redact import register_secret

log = logging.getLogger(__name__)

TOKEN_ACCOUNT = "useapi-token"


class KeyringUnavailable(Exception):
    """No usable keyring backend, or it is locked; the message says which and what to do."""


@dataclass(frozen=True)
class BackendInfo:
    name: str
    usable: bool
    detail: str


class TokenStore:
    """Interface: a place that holds the token."""

    description = "memory"

    def get(self) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def set(self, token: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def delete(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    async def aget(self) -> str | None:
        return await asyncio.to_thread(self.get)

    async def aset(self, token: str) -> None:
        await asyncio.to_thread(self.set, token)

    async def adelete(self) -> None:
        await asyncio.to_thread(self.delete)


class MemoryTokenStore(TokenStore):
    description = "this session only (not saved)"

    def __init__(self, token: str | None = None) -> None:
        self._token = token
        register_secret(token)

    def get(self) -> str | None:
        return self._token

    def set(self, token: str) -> None:
        register_secret(token)
        self._token = token

    def delete(self) -> None:
        self._token = None


def keyring_backend_info() -> BackendInfo:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__.replace('keyring.backends.', '')}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return BackendInfo(name, False, "No keyring service was found (on Linux: GNOME Keyring, KWallet "
                                        "or another Secret Service provider must be running).")
    friendly = {
        "SecretService.Keyring": "the Secret Service (GNOME Keyring / KWallet)",
        "kwallet.DBusKeyring": "KWallet",
        "macOS.Keyring": "the macOS Keychain",
        "Windows.WinVaultKeyring": "Windows Credential Manager",
    }.get(name, name)
    return BackendInfo(name, True, friendly)


class KeyringTokenStore(TokenStore):
    def __init__(self, service: str = KEYRING_SERVICE, account: str = TOKEN_ACCOUNT) -> None:
        self.service = service
        self.account = account

    @property
    def description(self) -> str:  # type: ignore[override]
        return keyring_backend_info().detail

    def _call(self, what: str, func, *args):
        import keyring.errors

        info = keyring_backend_info()
        if not info.usable:
            raise KeyringUnavailable(info.detail)
        try:
            return func(*args)
        except keyring.errors.KeyringLocked:
            raise KeyringUnavailable(f"The keyring ({info.detail}) is locked; unlock it and try again.") from None
        except keyring.errors.NoKeyringError:
            raise KeyringUnavailable(info.detail) from None
        except keyring.errors.KeyringError as exc:
            # Never include the exception's args: some backends echo the secret.
            log.warning("keyring %s failed: %s", what, type(exc).__name__)
            raise KeyringUnavailable(f"The keyring ({info.detail}) refused to {what} the token "
                                     f"({type(exc).__name__}).") from None

    def get(self) -> str | None:
        import keyring

        token = self._call("read", keyring.get_password, self.service, self.account)
        register_secret(token)
        return token

    def set(self, token: str) -> None:
        import keyring

        register_secret(token)
        self._call("save", keyring.set_password, self.service, self.account, token)

    def delete(self) -> None:
        import keyring
        import keyring.errors

        def delete_if_present() -> None:
            try:
                keyring.delete_password(self.service, self.account)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing stored: forgetting it is already done

        self._call("delete", delete_if_present)
