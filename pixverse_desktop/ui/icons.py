"""Icons: the application icon from the bundled hicolor set, and palette-aware vector glyphs.

Fusion's standard media pixmaps are fixed dark-grey bitmaps: on the dark palette they almost vanish,
and they blur on a 150 % screen. The glyphs here are painted on demand, at the requested size and
device pixel ratio, in the palette's button-text colour at paint time, so they stay crisp at any scale
and follow a live light/dark switch without being rebuilt.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPainterPath, QPalette, QPen, QPixmap,
    QPolygonF,
)

from pixverse_desktop import APP_ID
from pixverse_desktop.core.paths import resources_dir

APP_ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


@lru_cache(maxsize=1)
def app_icon() -> QIcon:
    """Every bundled size, so Qt picks a sharp one for the title bar, the tray and the About box."""
    icon = QIcon()
    base = resources_dir() / "icons" / "hicolor"
    svg = base / "scalable" / "apps" / f"{APP_ID}.svg"
    for size in APP_ICON_SIZES:
        png = base / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if svg.is_file():
        icon.addFile(str(svg))
    if icon.isNull():   # an install without resources/: the theme may still know the app id
        icon = QIcon.fromTheme(APP_ID)
    return icon


def _polygon(*points: tuple[float, float]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


def _speaker(p: QPainter) -> None:
    p.drawPolygon(_polygon((3, 9), (7, 9), (12, 4.5), (12, 19.5), (7, 15), (3, 15)))


def _draw(name: str, p: QPainter, color: QColor) -> None:
    """Glyphs on a 24 × 24 grid (the painter is already scaled to it)."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    stroke = QPen(color, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    if name == "play":
        p.drawPolygon(_polygon((7, 4.5), (19.5, 12), (7, 19.5)))
    elif name == "pause":
        p.drawRoundedRect(QRectF(6, 5, 4.2, 14), 1, 1)
        p.drawRoundedRect(QRectF(13.8, 5, 4.2, 14), 1, 1)
    elif name in ("frame_back", "frame_next"):
        if name == "frame_next":
            p.translate(24, 0)
            p.scale(-1, 1)
        p.drawRoundedRect(QRectF(5, 6, 2.4, 12), 0.8, 0.8)
        p.drawPolygon(_polygon((19, 6), (9.5, 12), (19, 18)))
    elif name in ("volume", "muted"):
        _speaker(p)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(stroke)
        if name == "volume":
            p.drawArc(QRectF(9, 8, 8, 8), -50 * 16, 100 * 16)
            p.drawArc(QRectF(7, 5, 14, 14), -50 * 16, 100 * 16)
        else:
            p.drawLine(QPointF(15, 9), QPointF(21, 15))
            p.drawLine(QPointF(21, 9), QPointF(15, 15))
    elif name == "refresh":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(stroke)
        p.drawArc(QRectF(5, 5, 14, 14), 60 * 16, 290 * 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPolygon(_polygon((13, 2.5), (19, 5.5), (13.5, 9.5)))
    elif name == "loop":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(stroke)
        path = QPainterPath()
        path.addRoundedRect(QRectF(4, 7, 16, 10), 5, 5)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPolygon(_polygon((12, 4), (16, 7), (12, 10)))
    elif name in ("back", "forward", "up"):
        p.translate(12, 12)
        p.rotate({"back": 0, "forward": 180, "up": 90}[name])
        p.translate(-12, -12)
        p.setPen(stroke)
        p.drawLine(QPointF(9, 12), QPointF(19, 12))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(_polygon((4.5, 12), (11, 5.5), (11, 18.5)))
    elif name == "new_folder":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(stroke)
        p.drawPolygon(_polygon((3, 6), (9, 6), (11, 8.5), (21, 8.5), (21, 19), (3, 19)))
        p.drawLine(QPointF(12, 11), QPointF(12, 16.5))
        p.drawLine(QPointF(9.25, 13.75), QPointF(14.75, 13.75))
    elif name == "list_view":
        for y in (6.5, 12, 17.5):
            p.drawRoundedRect(QRectF(3.5, y - 1.4, 2.8, 2.8), 0.6, 0.6)
            p.drawRoundedRect(QRectF(8.5, y - 1, 12, 2), 0.8, 0.8)
    elif name == "detail_view":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(stroke)
        p.drawRoundedRect(QRectF(3.5, 4.5, 17, 15), 1.5, 1.5)
        p.drawLine(QPointF(3.5, 9.5), QPointF(20.5, 9.5))
        p.drawLine(QPointF(3.5, 14.5), QPointF(20.5, 14.5))
        p.drawLine(QPointF(9.5, 4.5), QPointF(9.5, 19.5))
    else:  # pragma: no cover - a typo in a glyph name shows as a box rather than nothing
        p.drawRect(QRectF(6, 6, 12, 12))


class GlyphEngine(QIconEngine):
    """Paints one named glyph in the current palette colour (disabled: the disabled text colour)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        palette = QGuiApplication.palette()
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
        role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else QPalette.ColorRole.ButtonText
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(rect.width(), rect.height())
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / 24, side / 24)
        _draw(self.name, painter, palette.color(group, role))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        if size.isEmpty():   # a button squeezed to nothing for a moment (a panel being re-laid out)
            return QPixmap()
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> "GlyphEngine":
        return GlyphEngine(self.name)

    def key(self) -> str:
        return "pixverse-glyph"


def glyph(name: str) -> QIcon:
    """``play``, ``pause``, ``frame_back``, ``frame_next``, ``volume``, ``muted``, ``refresh``, ``loop``;
    ``back``, ``forward``, ``up``, ``new_folder``, ``list_view``, ``detail_view`` (the file dialog's)."""
    return QIcon(GlyphEngine(name))


_FILE_DIALOG_BUTTONS = {"backButton": "back", "forwardButton": "forward", "toParentButton": "up",
                        "newFolderButton": "new_folder", "listModeButton": "list_view",
                        "detailModeButton": "detail_view"}


def legible_file_dialog(dialog: QObject) -> None:
    """Qt's own file dialog, used where the desktop offers none, draws its navigation buttons with
    Fusion's fixed dark pixmaps: on the dark palette they vanished (new-user pass). Call it once the
    dialog is open (its widgets exist then); a desktop's native dialog has none of them to change."""
    from PySide6.QtWidgets import QAbstractButton   # first use: dialogs only, not the start-up

    for button in dialog.findChildren(QAbstractButton):
        name = _FILE_DIALOG_BUTTONS.get(button.objectName())
        if name is not None:
            button.setIcon(glyph(name))
            # The app's tool-button padding (8 px each side) left these 22 px buttons ~6 px for the icon.
            button.setStyleSheet("QToolButton { padding: 2px; }")
            button.setMinimumSize(26, 26)
