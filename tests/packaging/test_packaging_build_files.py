"""PyInstaller spec, build script and Flatpak manifest: static checks (nothing is built here)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pixverse_desktop import APP_ID

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "packaging"
SPEC = PACK / "pixverse-desktop.spec"
FLATPAK = PACK / "flatpak" / f"{APP_ID}.yml"


def test_spec_is_python_and_references_the_entry_module():
    source = SPEC.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(SPEC))
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert "pixverse_desktop.__main__" in strings
    assert "pixverse-desktop" in strings  # the executable / folder name
    assert "launcher.py" in strings
    for needed in ("keyring.backends.SecretService", "qasync", "PySide6.QtMultimedia", "av", "aiohttp"):
        assert needed in strings, needed
    for name in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtPdf"):
        assert name in strings, f"{name} should be excluded"


def test_launcher_calls_the_gui_entry_point():
    tree = ast.parse((PACK / "launcher.py").read_text(encoding="utf-8"))
    imports = [(n.module, [a.name for a in n.names]) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert ("pixverse_desktop.__main__", ["main"]) in imports


def test_spec_icons_exist():
    icons = ROOT / "resources" / "icons"
    for path in (icons / "pixverse-desktop.ico", icons / "pixverse-desktop.icns",
                 icons / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"):
        assert path.is_file(), path
    source = SPEC.read_text(encoding="utf-8")
    assert "pixverse-desktop.ico" in source and "pixverse-desktop.icns" in source


def test_build_script_syntax():
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    script = PACK / "build.sh"
    subprocess.run([bash, "-n", str(script)], check=True, timeout=30)
    text = script.read_text(encoding="utf-8")
    assert "pixverse-desktop.spec" in text
    assert "--demo --smoke-test" in text and "QT_QPA_PLATFORM=offscreen" in text


def test_flatpak_manifest():
    text = FLATPAK.read_text(encoding="utf-8")
    for arg in ("--talk-name=org.freedesktop.secrets", "--socket=wayland", "--socket=fallback-x11",
                "--share=network", "--socket=pulseaudio", "--device=dri", "--filesystem=xdg-videos"):
        assert re.search(rf"^\s*-\s*{re.escape(arg)}(\s|$)", text, re.M), arg
    assert re.search(r"^command:\s*pixverse-desktop\s*$", text, re.M)


def test_flatpak_manifest_structure():
    yaml = pytest.importorskip("yaml", reason="PyYAML not installed: structural manifest check skipped")
    manifest = yaml.safe_load(FLATPAK.read_text(encoding="utf-8"))
    assert manifest["id"] == APP_ID
    assert manifest["command"] == "pixverse-desktop"
    assert manifest["runtime"] in ("org.kde.Platform", "org.freedesktop.Platform")
    for module in manifest["modules"]:
        if isinstance(module, str):
            assert (FLATPAK.parent / module).is_file(), module


def test_flatpak_python_deps_are_pinned():
    module = json.loads((PACK / "flatpak" / "python3-deps.json").read_text(encoding="utf-8"))
    names = {s["url"].rsplit("/", 1)[-1].split("-")[0].lower().replace("_", "-").replace(".", "-")
             for s in module["sources"]}
    for dep in ("httpx", "qasync", "keyring", "platformdirs", "aiohttp", "av", "pillow", "secretstorage"):
        assert dep in names, dep
    assert "pyside6" not in names  # comes from io.qt.PySide.BaseApp
    for source in module["sources"]:
        assert source["url"].startswith("https://files.pythonhosted.org/")
        assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
