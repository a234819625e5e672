"""Shared test set-up: headless Qt, isolated data/config/cache dirs, no stray token."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("USEAPI_TOKEN", None)
os.environ.pop("PIXVERSE_API_BASE", None)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Every test gets its own XDG data/config/cache/state dirs so nothing touches the real profile."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = home / name.lower()
        path.mkdir()
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PIXVERSE_DESKTOP_HOME", str(home))
    yield home
