"""Paints one picker tile: the thumbnail, a status badge, duration, resolution and date."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from .theme import ACCENT, STATUS_COLORS
from .video_list_model import VideoListModel, created_text

TILE = QSize(204, 164)
THUMB_H = 112


def draw_badge(painter: QPainter, rect: QRect, text: str, color: QColor, *, align_right=False) -> QRect:
    font = QFont(painter.font())
    font.setPointSizeF(max(6.5, font.pointSizeF() * 0.72))
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 12
    height = painter.fontMetrics().height() + 4
    x = rect.right() - width if align_right else rect.left()
    badge = QRect(x, rect.top(), width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(badge, height / 2, height / 2)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    return badge


class VideoDelegate(QStyledItemDelegate):
    # Thumbnails scaled to the tile, most recently painted last. Smooth scaling took ~0.7 ms a tile,
    # about 40 % of a picker repaint, and a tile is repainted on every scroll step and hover; the
    # cached copies (~90 KB each) cover more than a screenful of tiles.
    SCALED_ITEMS = 96

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._scaled: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()

    def sizeHint(self, option, index) -> QSize:
        return TILE

    def _fitted(self, image: QImage, size: QSize) -> QImage:
        """``image`` scaled to cover ``size`` and cropped to it (centred), from the cache when it can."""
        key = (image.cacheKey(), size.width(), size.height())
        fitted = self._scaled.get(key)
        if fitted is not None:
            self._scaled.move_to_end(key)
            return fitted
        scaled = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                              Qt.TransformationMode.SmoothTransformation)
        x = (scaled.width() - size.width()) // 2
        y = (scaled.height() - size.height()) // 2
        fitted = scaled.copy(x, y, size.width(), size.height())
        self._scaled[key] = fitted
        while len(self._scaled) > self.SCALED_ITEMS:
            self._scaled.popitem(last=False)
        return fitted

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        rect = option.rect.adjusted(5, 5, -5, -5)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)

        card = QPainterPath()
        card.addRoundedRect(QRectF(rect), 10, 10)
        painter.fillPath(card, palette.color(QPalette.ColorRole.Base))
        border = ACCENT if selected else palette.color(QPalette.ColorRole.Mid)
        if hovered and not selected:
            border = ACCENT.lighter(150)
        painter.setPen(border)
        painter.drawPath(card)

        thumb_rect = QRect(rect.left(), rect.top(), rect.width(), THUMB_H)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(thumb_rect).adjusted(1, 1, -1, 0), 9, 9)
        painter.save()
        painter.setClipPath(clip)
        image = index.data(VideoListModel.ThumbnailRole)
        painter.fillRect(thumb_rect, QColor("#2a2a35"))
        if image is not None and not image.isNull():
            painter.drawImage(thumb_rect.topLeft(), self._fitted(image, thumb_rect.size()))
        else:
            painter.setPen(QColor("#8a8aa0"))
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, "▶")
        painter.restore()

        group = index.data(VideoListModel.StatusGroupRole) or "unknown"
        label = index.data(VideoListModel.StatusLabelRole) or group
        draw_badge(painter, thumb_rect.adjusted(8, 8, -8, -8), label,
                   QColor(STATUS_COLORS.get(group, STATUS_COLORS["unknown"])))
        duration = index.data(VideoListModel.DurationRole)
        if duration:
            draw_badge(painter, thumb_rect.adjusted(8, 8, -8, -8), f"{duration}s", QColor(0, 0, 0, 170),
                       align_right=True)

        painter.setFont(option.font)
        text_rect = QRect(rect.left() + 9, thumb_rect.bottom() + 6, rect.width() - 18, 18)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title = painter.fontMetrics().elidedText(index.data(Qt.ItemDataRole.DisplayRole) or "",
                                                 Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        small = QFont(option.font)
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        painter.setFont(small)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        meta = " · ".join(p for p in (index.data(VideoListModel.ResolutionRole) or "",
                                      created_text(index.data(VideoListModel.CreatedRole))) if p)
        painter.drawText(text_rect.translated(0, 19), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         meta)
        painter.restore()
