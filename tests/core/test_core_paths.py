"""core.paths: platformdirs locations, the PIXVERSE_DESKTOP_HOME override, created on demand."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from pixverse_desktop import APP_NAME
from pixverse_desktop.core import paths

FUNCS = {"data": paths.data_dir, "cache": paths.cache_dir, "logs": paths.log_dir, "config": paths.config_dir}


@pytest.mark.parametrize("sub", sorted(FUNCS))
def test_override_root_gives_named_subdir_created_on_demand(tmp_path, monkeypatch, sub):
    root = tmp_path / "portable root"
    monkeypatch.setenv(paths.HOME_ENV, str(root))
    assert not root.exists()
    result = FUNCS[sub]()
    assert result == (root / sub).resolve()
    assert result.is_dir() and result.is_absolute()
    assert FUNCS[sub]() == result  # stable and idempotent


def test_override_dirs_are_distinct(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    dirs = [f() for f in FUNCS.values()]
    assert len(set(dirs)) == len(dirs)


def test_override_expands_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(paths.HOME_ENV, "~/pvd")
    assert paths.data_dir() == (tmp_path / "pvd" / "data").resolve()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_override_uses_platformdirs(_isolated_dirs, monkeypatch, value):
    if value is None:
        monkeypatch.delenv(paths.HOME_ENV, raising=False)
    else:
        monkeypatch.setenv(paths.HOME_ENV, value)
    assert paths.override_root() is None
    expected = {
        "data": platformdirs.user_data_dir(APP_NAME, appauthor=False),
        "cache": platformdirs.user_cache_dir(APP_NAME, appauthor=False),
        "logs": platformdirs.user_log_dir(APP_NAME, appauthor=False),
        "config": platformdirs.user_config_dir(APP_NAME, appauthor=False),
    }
    for sub, func in FUNCS.items():
        result = func()
        assert result == Path(expected[sub]).resolve()
        assert result.is_dir()
        assert APP_NAME in result.parts
        if sys.platform.startswith("linux"):  # conftest points HOME and the XDG dirs into tmp
            assert result.is_relative_to(Path(_isolated_dirs).resolve())


def test_resources_dir_in_source_checkout():
    res = paths.resources_dir()
    assert res.name == "resources"
    assert (res / "icons" / "pixverse-desktop.svg").is_file()


def test_resources_dir_when_frozen(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"


def test_resources_dir_in_an_installed_prefix(tmp_path, monkeypatch):
    """A wheel/Flatpak layout: <prefix>/lib/python3.X/site-packages/pixverse_desktop/core/paths.py."""
    fake = tmp_path / "lib" / "python3.12" / "site-packages" / "pixverse_desktop" / "core" / "paths.py"
    fake.parent.mkdir(parents=True)
    fake.touch()
    monkeypatch.setattr(paths, "__file__", str(fake))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    installed = tmp_path / "share" / "pixverse-desktop" / "resources"
    assert paths.resources_dir() == fake.parents[2] / "resources"  # nothing found: checkout path
    installed.mkdir(parents=True)
    assert paths.resources_dir() == installed
