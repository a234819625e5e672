"""The app icon: the SVG sources, the committed PNG sizes, and the Windows/macOS icon files."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from pixverse_desktop import APP_ID

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def _png(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


@pytest.mark.parametrize("name", ["pixverse-desktop.svg", "pixverse-desktop-small.svg"])
def test_svg_sources_are_square_svg(name):
    root = ET.parse(ICONS / name).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 512 512"


def test_scalable_icon_is_the_source_svg():
    scalable = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == (ICONS / "pixverse-desktop.svg").read_bytes()


@pytest.mark.parametrize("size", SIZES)
def test_png_exists_with_the_right_size(size):
    path = _png(size)
    assert path.is_file(), f"missing {path}; run packaging/render_icons.py"
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.size == (size, size)
        assert im.mode == "RGBA"
        rgba = im.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0, "corners of the rounded square are transparent"
        assert rgba.getpixel((size // 2, size // 2))[3] == 255, "the centre is opaque"
        assert len(rgba.getcolors(maxcolors=size * size)) > 8, "not a blank or flat image"


def test_only_the_expected_sizes_exist():
    dirs = {p.name for p in (ICONS / "hicolor").iterdir()}
    assert dirs == {f"{s}x{s}" for s in SIZES} | {"scalable"}


def test_windows_ico():
    with Image.open(ICONS / "pixverse-desktop.ico") as im:
        assert im.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(im.info["sizes"])


def test_macos_icns():
    with Image.open(ICONS / "pixverse-desktop.icns") as im:
        assert im.format == "ICNS"
        assert im.size == (1024, 1024)


def test_render_script_check_passes():
    """The SVG still renders at every size with QtSvg offscreen and the committed PNGs match."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--check"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
