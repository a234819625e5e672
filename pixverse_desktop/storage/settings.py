"""Settings declared once (key, type, default, help) over QSettings (an INI file in the config dir).

A stored value of the wrong type or out of range falls back to the default with a log line. The API
token is never a setting: it lives in the keyring (``storage.secrets``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from PySide6.QtCore import QSettings

from pixverse_desktop.core.paths import config_dir, default_library_dir

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    type: type
    default: T
    help: str
    check: Callable[[Any], bool] | None = None

    def fallback(self) -> T:
        """The default; a callable one is asked each time (it may depend on the environment)."""
        return self.default() if callable(self.default) else self.default


def _default_library() -> str:
    return str(default_library_dir())


OPTIONS: dict[str, Option] = {o.key: o for o in [
    Option("library_dir", str, _default_library, "Folder where finished videos are saved"),
    Option("auto_download", bool, True, "Download every finished video into the library folder"),
    Option("poll_min_s", float, 2.0, "Shortest wait between status checks (seconds)",
           lambda v: 0.05 <= v <= 60),
    Option("poll_max_s", float, 20.0, "Longest wait between status checks (seconds)",
           lambda v: 1 <= v <= 600),
    Option("notifications", bool, True, "Desktop notification when a job finishes or fails"),
    Option("theme", str, "system", "Colour scheme: system, light or dark",
           lambda v: v in ("system", "light", "dark")),
    Option("default_duration", int, 5, "Default extension length", lambda v: v in (5, 8)),
    Option("default_quality", str, "540p", "Default quality", lambda v: v in ("360p", "540p")),
    Option("default_motion", str, "normal", "Default motion", lambda v: v in ("normal", "fast")),
    Option("default_style", str, "", "Default style", lambda v: v in ("", "anime", "3d_animation", "clay")),
    Option("presets", str, "{}", "Named presets (JSON object name → form values)"),
    Option("api_base", str, "", "API base URL (empty: the real useapi.net)"),
    Option("account", str, "", "Last account chosen in the form (empty: any)"),
]}


class Settings:
    def __init__(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else config_dir() / "settings.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._q = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, key: str) -> Any:
        option = OPTIONS[key]
        raw = self._q.value(key, None)
        if raw is None:
            return option.fallback()
        try:
            value = self._coerce(option, raw)
        except (TypeError, ValueError):
            value = None
        if value is None or (option.check and not option.check(value)):
            log.warning("setting %s has an unusable stored value; using the default", key)
            return option.fallback()
        return value

    @staticmethod
    def _coerce(option: Option, raw: Any) -> Any:
        if option.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes", "on"):
                return True
            if text in ("false", "0", "no", "off"):
                return False
            return None
        return option.type(raw)

    def set(self, key: str, value: Any) -> None:
        option = OPTIONS[key]
        if option.check and not option.check(value):
            raise ValueError(f"{key}: {value!r} is not allowed ({option.help})")
        self._q.setValue(key, value)

    # Free-form UI state (geometry, splitter sizes, last form values) sits beside the declared options.
    def state(self, key: str, default: Any = None) -> Any:
        return self._q.value("state/" + key, default)

    def set_state(self, key: str, value: Any) -> None:
        self._q.setValue("state/" + key, value)

    def remove_state(self, key: str) -> None:
        self._q.remove("state/" + key)

    def presets(self) -> dict[str, dict]:
        try:
            data = json.loads(self.get("presets"))
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def save_preset(self, name: str, values: dict) -> None:
        presets = self.presets()
        presets[name] = values
        self.set("presets", json.dumps(presets))

    def delete_preset(self, name: str) -> None:
        presets = self.presets()
        presets.pop(name, None)
        self.set("presets", json.dumps(presets))

    def sync(self) -> None:
        self._q.sync()
