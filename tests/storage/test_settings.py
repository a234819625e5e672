"""storage.settings: declared options with defaults and checks, presets, free-form UI state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray

from pixverse_desktop.storage.settings import OPTIONS, Settings


def test_defaults_and_round_trip(tmp_path):
    s = Settings(tmp_path / "settings.ini")
    for key, option in OPTIONS.items():
        assert s.get(key) == option.fallback()
    s.set("notifications", False)
    s.set("theme", "dark")
    s.set("poll_min_s", 0.5)
    s.sync()
    again = Settings(tmp_path / "settings.ini")
    assert (again.get("notifications"), again.get("theme"), again.get("poll_min_s")) == (False, "dark", 0.5)


def test_bad_stored_values_fall_back_and_bad_values_are_refused(tmp_path):
    path = tmp_path / "settings.ini"
    path.write_text("[General]\ntheme=purple\npoll_max_s=abc\nnotifications=maybe\ndefault_duration=7\n")
    s = Settings(path)
    assert (s.get("theme"), s.get("poll_max_s"), s.get("notifications"), s.get("default_duration")) == \
        ("system", 20.0, True, 5)
    with pytest.raises(ValueError):
        s.set("poll_min_s", 0.0)
    with pytest.raises(ValueError):
        s.set("theme", "sepia")


def test_presets_and_ui_state(tmp_path):
    s = Settings(tmp_path / "settings.ini")
    s.save_preset("Clay", {"style": "clay", "duration": 8})
    s.save_preset("Fast", {"motion_mode": "fast"})
    s.delete_preset("Fast")
    s.set_state("geometry", QByteArray(b"\x01\x02\x00\xff"))
    s.set_state("form", '{"prompt": "hello"}')
    s.set_state("source", "video:1")
    s.remove_state("source")
    s.sync()
    again = Settings(tmp_path / "settings.ini")
    assert again.presets() == {"Clay": {"style": "clay", "duration": 8}}
    assert again.state("geometry") == QByteArray(b"\x01\x02\x00\xff")
    assert again.state("form") == '{"prompt": "hello"}' and again.state("source", "") == ""
    s.set("presets", "not json")
    assert s.presets() == {}


def test_the_default_library_follows_the_override_root(tmp_path, monkeypatch):
    """A portable install (or a test) under PIXVERSE_DESKTOP_HOME writes no video outside it."""
    from pixverse_desktop.core.paths import HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path / "root"))
    assert Settings(tmp_path / "a.ini").get("library_dir") == str(tmp_path / "root" / "library")
    monkeypatch.delenv(HOME_ENV)
    assert Settings(tmp_path / "b.ini").get("library_dir").endswith("PixVerse Desktop")
    assert not Settings(tmp_path / "b.ini").get("library_dir").startswith(str(tmp_path))
