"""Paints one picker tile: the thumbnail, a status badge, duration, resolution and date."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from pixverse_desktop.media.tiles import SHAPED, TileShape

from .theme import ACCENT, STATUS_COLORS
from .video_list_model import VideoListModel

TILE = QSize(204, 164)
THUMB_H = 112
TILE_MARGIN = 5
THUMB_RADIUS = 9


def tile_shape(ratio: float = 1.0) -> TileShape:
    """The shape the thumbnail cache makes picker thumbnails in (see ``media.tiles``): what
    ``VideoDelegate._fitted`` would otherwise do on the GUI thread."""
    return TileShape(round((TILE.width() - 2 * TILE_MARGIN) * ratio), round(THUMB_H * ratio),
                     THUMB_RADIUS, 1, ratio)


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(6.5, font.pointSizeF() * 0.72))
    font.setBold(True)
    return font


def draw_badge(painter: QPainter, rect: QRect, text: str, color: QColor, *, align_right=False,
               metrics: QFontMetrics | None = None) -> QRect:
    """A rounded badge; the painter's font must already be the badge font (``metrics`` are its metrics,
    when the caller has them at hand)."""
    metrics = metrics or painter.fontMetrics()
    width = metrics.horizontalAdvance(text) + 12
    height = metrics.height() + 4
    x = rect.right() - width if align_right else rect.left()
    badge = QRect(x, rect.top(), width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(badge, height / 2, height / 2)
    painter.setPen(WHITE)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    return badge


class _Fonts:
    """The fonts of a tile for one view font, with their metrics (made once, not on every paint)."""

    def __init__(self, base: QFont, device) -> None:
        self.status = badge_font(base)
        self.duration = badge_font(self.status)   # as before: derived from the status badge's font
        self.small = QFont(base)
        self.small.setPointSizeF(max(6.5, self.small.pointSizeF() * 0.85))
        self.status_metrics = QFontMetrics(self.status, device)
        self.duration_metrics = QFontMetrics(self.duration, device)
        self.title_metrics = QFontMetrics(base, device)


WHITE = QColor("white")
PLACEHOLDER_BG = QColor("#2a2a35")
PLACEHOLDER_FG = QColor("#8a8aa0")
DURATION_BG = QColor(0, 0, 0, 170)


class VideoDelegate(QStyledItemDelegate):
    """Paints a tile from the model's ``TileRole`` texts and its thumbnail.

    A picker repaint once cost ~13 ms for a screenful of tiles; with the thumbnail scaled once, one
    model role and fonts made once it was still ~4 ms, and the picker repaints some 25 times a second
    while videos page in and thumbnails arrive (bench_stall: a tenth of the GUI thread). So each tile
    is drawn once into an image, kept while what it shows is unchanged (its texts, thumbnail,
    selected/hovered state, size, colours and font: all in the key), and a paint is one image copy.
    An LRU of 32 tiles (~130 KB each) covers a large screenful in both states.
    """

    TILE_ITEMS = 32
    SCALED_ITEMS = 16   # rounded thumbnails, for re-drawing a tile whose state changed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._tiles: OrderedDict[tuple, QImage] = OrderedDict()
        self._scaled: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._fonts: dict[tuple[str, int], _Fonts] = {}
        self._elided: dict[tuple[str, int, str], str] = {}
        self._badges: dict[tuple, QImage] = {}
        self._cards: dict[tuple, QImage] = {}

    def sizeHint(self, option, index) -> QSize:
        return TILE

    def _fonts_for(self, font: QFont, device) -> _Fonts:
        key = (font.key(), device.logicalDpiY() if device is not None else 0)
        fonts = self._fonts.get(key)
        if fonts is None:
            fonts = self._fonts[key] = _Fonts(font, device)
        return fonts

    def _fitted(self, image: QImage, size: QSize) -> QImage:
        """``image`` scaled to cover ``size``, cropped to it (centred) and with the tile's rounded top
        corners, from the cache when it can."""
        key = (image.cacheKey(), size.width(), size.height())
        fitted = self._scaled.get(key)
        if fitted is not None:
            self._scaled.move_to_end(key)
            return fitted
        scaled = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                              Qt.TransformationMode.SmoothTransformation)
        x = (scaled.width() - size.width()) // 2
        y = (scaled.height() - size.height()) // 2
        fitted = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        fitted.fill(Qt.GlobalColor.transparent)
        p = QPainter(fitted)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setClipPath(_thumb_clip(QRect(0, 0, size.width(), size.height())))
        p.drawImage(0, 0, scaled, x, y, size.width(), size.height())
        p.end()
        self._scaled[key] = fitted
        while len(self._scaled) > self.SCALED_ITEMS:
            self._scaled.popitem(last=False)
        return fitted

    def _card(self, size: QSize, ratio: float, base: QColor, border: QColor, width: float = 1.0) -> QImage:
        """The empty card a tile is drawn on, made once per size, colours and state: its rounded,
        antialiased outline was a fifth of drawing a new tile (bench_stall). Opaque, on the view's own
        background (the viewport is opaque too: theme.OpaqueViewport): drawing a tile is then a copy,
        not a blend."""
        key = (size.width(), size.height(), ratio, base.rgba(), border.rgba(), width)
        card = self._cards.get(key)
        if card is None:
            if len(self._cards) > 16:
                self._cards.clear()
            card = QImage(size * ratio, QImage.Format.Format_RGB32)
            card.setDevicePixelRatio(ratio)
            card.fill(base)
            painter = QPainter(card)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            outline = QPainterPath()
            outline.addRoundedRect(QRectF(QRect(QPoint(0, 0), size).adjusted(
                TILE_MARGIN, TILE_MARGIN, -TILE_MARGIN, -TILE_MARGIN)), 10, 10)
            painter.setPen(QPen(border, width))
            painter.drawPath(outline)
            painter.end()
            self._cards[key] = card
        return card

    def _badge(self, text: str, color, font: QFont, metrics: QFontMetrics, ratio: float) -> QImage:
        """A badge drawn once per text, colour and font: badges come from a few statuses and
        durations, and their text was half of drawing a new tile."""
        color = QColor(color)
        key = (text, color.rgba(), font.key(), ratio)
        image = self._badges.get(key)
        if image is None:
            if len(self._badges) > 64:
                self._badges.clear()
            size = QSize(metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
            image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setFont(font)
            draw_badge(painter, QRect(0, 0, size.width(), size.height()), text, color, metrics=metrics)
            painter.end()
            self._badges[key] = image
        return image

    def _elide(self, metrics: QFontMetrics, font_key: str, text: str, width: int) -> str:
        key = (text, width, font_key)
        elided = self._elided.get(key)
        if elided is None:
            if len(self._elided) > 2000:
                self._elided.clear()
            elided = self._elided[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        return elided

    def paint(self, painter: QPainter, option, index) -> None:
        tile = index.data(VideoListModel.TileRole)
        if tile is None:
            return
        image = index.data(VideoListModel.TileImageRole)
        if image is not None and image.isNull():
            image = None
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        # The keyboard cursor, shown while the list has the focus (nothing showed where arrows start)
        hovered = bool(state & (QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_HasFocus))
        palette = option.palette
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        key = (tile.item.key, tile.title, tile.group, tile.label, tile.duration, tile.meta,
               image.cacheKey() if image is not None else 0, selected, hovered,
               option.rect.width(), option.rect.height(), ratio, option.font.key(),
               palette.color(QPalette.ColorRole.Base).rgba(), palette.color(QPalette.ColorRole.Text).rgba(),
               palette.color(QPalette.ColorRole.Mid).rgba())
        rendered = self._tiles.get(key)
        if rendered is None:
            rendered = self._render(tile, image, selected, hovered, option, painter.device(), ratio)
            self._tiles[key] = rendered
            while len(self._tiles) > self.TILE_ITEMS:
                self._tiles.popitem(last=False)
        else:
            self._tiles.move_to_end(key)
        painter.drawImage(option.rect.topLeft(), rendered)

    def _render(self, tile, image: QImage | None, selected: bool, hovered: bool, option, device,
                ratio: float) -> QImage:
        size = option.rect.size()
        palette = option.palette
        border = ACCENT if selected else palette.color(QPalette.ColorRole.Mid)
        if hovered and not selected:   # the mouse or the keyboard cursor: lighter than selected, yet
            # visible on the light card too (lighter(150) was near-white there; verification pass)
            dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
            border = ACCENT.lighter(150) if dark else ACCENT.lighter(118)
        out = self._card(size, ratio, palette.color(QPalette.ColorRole.Base), border,
                         2.0 if selected or hovered else 1.0).copy()
        painter = QPainter(out)
        fonts = self._fonts_for(option.font, device)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRect(0, 0, size.width(), size.height()).adjusted(TILE_MARGIN, TILE_MARGIN, -TILE_MARGIN, -TILE_MARGIN)

        thumb_rect = QRect(rect.left(), rect.top(), rect.width(), THUMB_H)
        if image is not None:
            shaped = bool(image.text(SHAPED)) and image.deviceIndependentSize().toSize() == thumb_rect.size()
            painter.drawImage(thumb_rect.topLeft(), image if shaped else self._fitted(image, thumb_rect.size()))
        else:
            painter.fillPath(_thumb_clip(thumb_rect), PLACEHOLDER_BG)
            painter.setPen(PLACEHOLDER_FG)
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, "▶")

        badges = thumb_rect.adjusted(8, 8, -8, -8)
        status = self._badge(tile.label, STATUS_COLORS.get(tile.group, STATUS_COLORS["unknown"]),
                             fonts.status, fonts.status_metrics, ratio)
        painter.drawImage(badges.topLeft(), status)
        if tile.duration:
            duration = self._badge(tile.duration, DURATION_BG, fonts.duration, fonts.duration_metrics, ratio)
            painter.drawImage(badges.right() + 1 - round(duration.deviceIndependentSize().width()), badges.top(),
                              duration)

        painter.setFont(option.font)
        text_rect = QRect(rect.left() + 9, thumb_rect.bottom() + 6, rect.width() - 18, 18)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title = self._elide(fonts.title_metrics, option.font.key(), tile.title, text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        if tile.meta:
            painter.setFont(fonts.small)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(text_rect.translated(0, 19), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             tile.meta)
        painter.end()
        return out


def _thumb_clip(rect: QRect) -> QPainterPath:
    clip = QPainterPath()
    clip.addRoundedRect(QRectF(rect).adjusted(1, 1, -1, 0), THUMB_RADIUS, THUMB_RADIUS)
    return clip
