"""Paints one picker tile: the thumbnail, a status badge, duration, resolution and date."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette
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
    def sizeHint(self, option, index) -> QSize:
        return TILE

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
            scaled = image.scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                  Qt.TransformationMode.SmoothTransformation)
            x = (scaled.width() - thumb_rect.width()) // 2
            y = (scaled.height() - thumb_rect.height()) // 2
            painter.drawImage(thumb_rect, scaled, QRect(x, y, thumb_rect.width(), thumb_rect.height()))
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
