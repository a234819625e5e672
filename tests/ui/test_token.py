"""The API token: asked on first run, checked with GET /accounts, stored in the OS keyring (or held for
this session only when there is no keyring), replaced or forgotten in Settings, never written to a file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from pixverse_desktop import KEYRING_SERVICE
from pixverse_desktop.app import Application, AppOptions
from pixverse_desktop.storage.secrets import TOKEN_ACCOUNT, KeyringTokenStore
from pixverse_desktop.ui.settings_dialog import SettingsDialog
from pixverse_desktop.ui.token_dialog import TokenDialog

from .conftest import FAST_ENGINE, TOKEN, sim_config


def _no_keyring() -> bool:
    backend = keyring.get_keyring()
    return isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0


def _dialog(qapp) -> TokenDialog | None:
    return next((w for w in qapp.topLevelWidgets() if isinstance(w, TokenDialog) and w.isVisible()), None)


def _files_containing(roots: list[Path], secret: str) -> list[Path]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                try:
                    if secret.encode() in path.read_bytes():
                        hits.append(path)
                except OSError:
                    pass
    return hits


def _start_async(qapp, options: AppOptions) -> tuple[Application, asyncio.Future]:
    app = Application(qapp, options)
    return app, asyncio.ensure_future(app.start())


def _enter(aio, dialog: TokenDialog, token: str, button) -> None:
    dialog.edit.setText(token)
    assert dialog.edit.echoMode() == dialog.edit.EchoMode.Password
    aio.until(button.isEnabled, 5, "the button")
    button.click()
    aio.until(lambda: dialog._task is None, 10, "the check")


def _options(th, tmp_path) -> AppOptions:
    return AppOptions(api_base=th.base_url, data_dir=tmp_path / "data", theme="light",
                      engine_overrides=dict(FAST_ENGINE))


def test_first_run_without_keyring_offers_a_session_token(qapp, aio, sim_thread, tmp_path, _isolated_dirs,
                                                          monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    th = sim_thread(sim_config())
    app, started = _start_async(qapp, _options(th, tmp_path))
    try:
        dialog = aio.until(lambda: _dialog(qapp), 15, "the token dialog")
        aio.until(dialog.session_button.isVisible, 5, "the session-only offer")
        assert dialog.focusWidget() is dialog.edit              # a paste goes straight into the field
        assert "No usable keyring" in dialog.backend_label.text()
        assert "where do I get one?" in dialog.intro.text() and "useapi.net" in dialog.intro.text()
        dialog.show_box.setChecked(True)
        assert dialog.edit.echoMode() == dialog.edit.EchoMode.Normal
        dialog.show_box.setChecked(False)

        _enter(aio, dialog, "wrong-token-123", dialog.session_button)
        assert "not accepted" in dialog.status.text() and "wrong-token-123" not in dialog.status.text()
        assert dialog.isVisible()
        _enter(aio, dialog, TOKEN, dialog.session_button)
        aio.until(started.done, 20, "the start-up")
        started.result()
        assert app.tokens.where == "session" and app.window.video_model.rowCount() == 4
        assert not app.window.banner.isVisibleTo(app.window)
    finally:
        aio.run(app.stop())
    assert _files_containing([_isolated_dirs, tmp_path], TOKEN) == []


@pytest.mark.keyring
def test_token_round_trips_through_the_secret_service(qapp, aio, sim_thread, tmp_path, _isolated_dirs):
    if _no_keyring():
        pytest.skip("no Secret Service (run under dbus-run-session with gnome-keyring)")
    store = KeyringTokenStore()
    store.delete()
    th = sim_thread(sim_config())

    # first run: the dialog names the keyring, checks the token, saves it
    app, started = _start_async(qapp, _options(th, tmp_path))
    try:
        dialog = aio.until(lambda: _dialog(qapp), 15, "the token dialog")
        aio.until(lambda: "will be stored in" in dialog.backend_label.text(), 10, "the backend's name")
        assert not dialog.session_button.isVisible()
        _enter(aio, dialog, "wrong-token-456", dialog.save_button)
        assert "not accepted" in dialog.status.text()
        assert keyring.get_password(KEYRING_SERVICE, TOKEN_ACCOUNT) is None    # a refused token is not saved
        _enter(aio, dialog, TOKEN, dialog.save_button)
        aio.until(started.done, 20, "the start-up")
        started.result()
        assert keyring.get_password(KEYRING_SERVICE, TOKEN_ACCOUNT) == TOKEN
        assert app.tokens.where == "keyring"
    finally:
        aio.run(app.stop())

    # second run: read from the keyring, no dialog; Settings forgets it
    app, started = _start_async(qapp, _options(th, tmp_path))
    try:
        aio.until(started.done, 20, "the second start-up")
        started.result()
        assert _dialog(qapp) is None and app.window.video_model.rowCount() == 4
        settings = SettingsDialog(app.settings, app.tokens, app.window)
        assert "keyring" in settings.token_label.text()
        settings.forget_button.click()
        next(b for b in settings.forget_box.buttons() if b.text() == "Forget").click()   # asked first
        aio.until(lambda: app.tokens.token is None, 10, "forgetting")
        assert keyring.get_password(KEYRING_SERVICE, TOKEN_ACCOUNT) is None
        assert "not set" in settings.token_label.text()
        settings.close()
    finally:
        aio.run(app.stop())
    assert _files_containing([_isolated_dirs, tmp_path], TOKEN) == []
