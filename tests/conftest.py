"""Shared test set-up: headless Qt, isolated data/config/cache dirs, no stray token."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("USEAPI_TOKEN", None)
os.environ.pop("PIXVERSE_API_BASE", None)

import pytest  # noqa: E402

if TYPE_CHECKING:
    from pixverse_desktop.simulator import SimulatorConfig, SimulatorThread


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


@pytest.fixture
def sim_thread():
    """``sim_thread(config)`` -> a started SimulatorThread, stopped after the test."""
    # Imported here: most test folders never start a simulator and need not load its server.
    from pixverse_desktop.simulator import SimulatorThread

    threads: list[SimulatorThread] = []

    def make(config: SimulatorConfig) -> SimulatorThread:
        th = SimulatorThread(config)
        th.start()
        threads.append(th)
        return th

    yield make
    for th in threads:
        th.stop()
