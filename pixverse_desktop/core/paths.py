"""Where PixVerse Desktop keeps its files.

Each directory comes from :mod:`platformdirs` for ``APP_NAME`` (no "appauthor" level on Windows),
unless the environment variable ``PIXVERSE_DESKTOP_HOME`` names an override root, in which case
the directories are ``<root>/data``, ``<root>/cache``, ``<root>/logs`` and ``<root>/config``
(and the default video library ``<root>/library``)
(handy for portable installs, tests and bug reports). Every function creates its directory on
demand and returns an absolute :class:`~pathlib.Path`.

:func:`resources_dir` finds the read-only ``resources/`` folder (icons, translations, the
``.desktop`` file) both in a source checkout and in a PyInstaller build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from pixverse_desktop import APP_NAME

HOME_ENV = "PIXVERSE_DESKTOP_HOME"

__all__ = [
    "HOME_ENV", "override_root", "data_dir", "cache_dir", "log_dir", "config_dir", "resources_dir",
    "default_library_dir",
]


def override_root() -> Path | None:
    """The override root from ``PIXVERSE_DESKTOP_HOME``, or ``None`` when unset or empty."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _resolve(sub: str, platform_path: str) -> Path:
    root = override_root()
    return _ensure(root / sub if root is not None else Path(platform_path).resolve())


def data_dir() -> Path:
    """Persistent application data (job journal, downloaded thumbnails' index, ...)."""
    return _resolve("data", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Disposable data (thumbnails, partial downloads); safe to delete."""
    return _resolve("cache", platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Rotating log files."""
    return _resolve("logs", platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Settings (the INI file); the API token is never stored here but in the keyring."""
    return _resolve("config", platformdirs.user_config_dir(APP_NAME, appauthor=False))


SHARE_NAME = "pixverse-desktop"  # <prefix>/share/pixverse-desktop/resources in installed layouts


def default_library_dir() -> Path:
    """Where finished videos go unless the settings say otherwise: the platform's Videos folder, or
    ``<root>/library`` under an override root, so a portable install or a test writes nothing
    outside it. Not created here: the first download creates it."""
    root = override_root()
    return root / "library" if root is not None else Path(platformdirs.user_videos_dir()) / APP_NAME


def resources_dir() -> Path:
    """The bundled ``resources/`` folder (read-only; it is not created and may be absent).

    Looked up, in order: next to the code in a PyInstaller build (``sys._MEIPASS``); the
    ``resources/`` folder of a source checkout; ``<prefix>/share/pixverse-desktop/resources`` of
    the installation holding this package (the Flatpak puts it in ``/app``) or of ``sys.prefix``.
    When none exists the source-checkout location is returned.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    here = Path(__file__).resolve()
    checkout = here.parents[2] / "resources"
    candidates = [checkout]
    if len(here.parents) > 5:  # <prefix>/lib/python3.X/site-packages/pixverse_desktop/core/
        candidates.append(here.parents[5] / "share" / SHARE_NAME / "resources")
    candidates.append(Path(sys.prefix) / "share" / SHARE_NAME / "resources")
    return next((c for c in candidates if c.is_dir()), checkout)
