"""Thumbnails shaped for a picker tile: cropped to fill it and rounded, made in the decoding thread.

The picker drew each new thumbnail by smooth-scaling it and clipping it to rounded corners on the GUI
thread (~1 ms each, with the GIL held), a dozen at once when a page of videos scrolled into view:
those paints were most of the window's stalls over 16 ms (bench_stall). Pillow does the same work
with the GIL released, in the thread that decodes the thumbnail anyway.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QImage

# Straight into the layout Qt paints fastest (premultiplied ARGB32, native byte order).
PACKING, FORMAT = (("BGRa", QImage.Format.Format_ARGB32_Premultiplied) if sys.byteorder == "little"
                   else ("RGBa", QImage.Format.Format_RGBA8888_Premultiplied))
SHAPED = "pixverse-tile"   # QImage text key: set on images already cropped and rounded for a tile


@dataclass(frozen=True)
class TileShape:
    """A ``width`` x ``height`` (device pixels) picture whose rounded rectangle, ``inset`` pixels in
    from the left, top and right edges, is opaque; outside it, transparent."""

    width: int
    height: int
    radius: float
    inset: int = 1
    ratio: float = 1.0   # device pixels per logical pixel (the image says so to Qt)


@lru_cache(maxsize=4)
def _mask(shape: TileShape):
    from PIL import Image, ImageDraw

    scale = 4   # drawn large and scaled down: antialiased corners
    w, h, inset = shape.width * scale, shape.height * scale, round(shape.inset * shape.ratio * scale)
    big = Image.new("L", (w, h), 0)
    ImageDraw.Draw(big).rounded_rectangle((inset, inset, w - inset - 1, h - 1),
                                          radius=shape.radius * shape.ratio * scale, fill=255)
    return big.resize((shape.width, shape.height), Image.Resampling.BOX)


def shape_tile(picture, shape: TileShape) -> QImage:
    """``picture`` (a Pillow image) cropped to fill ``shape`` (centred), rounded, as a QImage marked
    ``SHAPED``. Runs in a worker thread: Pillow's resampling lets go of the GIL."""
    from PIL import Image, ImageOps

    rgba = picture if picture.mode == "RGBA" else picture.convert("RGBA")   # the decoder's already is
    fitted = ImageOps.fit(rgba, (shape.width, shape.height), Image.Resampling.BICUBIC)
    fitted.putalpha(_mask(shape))
    pixels = fitted.tobytes("raw", PACKING)
    image = QImage(pixels, shape.width, shape.height, shape.width * 4, FORMAT).copy()
    image.setDevicePixelRatio(shape.ratio)
    image.setText(SHAPED, "1")
    return image
