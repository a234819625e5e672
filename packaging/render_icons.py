#!/usr/bin/env python3
"""Render the app icon SVG to PNGs (hicolor theme layout), a Windows .ico and a macOS .icns.

Usage:  python packaging/render_icons.py [--check]

Rendering uses PySide6 QtSvg on the offscreen platform, so it works without a display.
``--check`` renders into a temporary directory and fails if the committed PNGs are missing or
have the wrong dimensions (pixel-exact comparison is avoided: Qt versions anti-alias differently).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pixverse_desktop import APP_ID  # noqa: E402

ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "pixverse-desktop.svg"
# Below this size the detailed artwork turns to mush: use the simplified drawing instead.
SMALL_SVG = ICONS / "pixverse-desktop-small.svg"
SMALL_MAX = 32
SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def png_path(base: Path, size: int) -> Path:
    return base / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(svg: Path, size: int) -> bytes:
    """Render ``svg`` to a ``size``×``size`` RGBA PNG and return its bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_RGBA8888).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_all(out: Path) -> list[Path]:
    from PIL import Image

    written: list[Path] = []
    cache: dict[int, bytes] = {}
    for size in sorted(set(SIZES) | set(ICO_SIZES) | set(ICNS_SIZES)):
        cache[size] = render(SMALL_SVG if size <= SMALL_MAX else SVG, size)
    for size in SIZES:
        path = png_path(out, size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cache[size])
        written.append(path)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SVG.read_bytes())
    written.append(scalable)

    images = {s: Image.open(io.BytesIO(cache[s])).convert("RGBA") for s in cache}
    # Windows: every size rendered from the vector, not downscaled from the largest one.
    ico = out / "pixverse-desktop.ico"
    largest = images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    written.append(ico)
    # macOS
    icns = out / "pixverse-desktop.icns"
    images[1024].save(icns, format="ICNS",
                      append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    written.append(icns)
    return written


def check() -> int:
    from PIL import Image

    problems = []
    for size in SIZES:
        path = png_path(ICONS, size)
        if not path.exists():
            problems.append(f"missing {path.relative_to(ROOT)}")
            continue
        with Image.open(path) as im:
            if im.size != (size, size) or im.mode not in ("RGBA", "LA"):
                problems.append(f"{path.relative_to(ROOT)}: {im.size} {im.mode}")
    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp))  # the SVG still renders at every size
    for line in problems:
        print("icon check:", line, file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    for path in write_all(ICONS):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
