"""Delegates of the job table: a progress bar cell and a status badge cell."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from pixverse_desktop.jobs.models import JobState

from .job_table_model import JobTableModel
from .theme import ACCENT, STATUS_COLORS


def state_color(state: str) -> QColor:
    return QColor(STATUS_COLORS.get(state, STATUS_COLORS["GENERATING"]))


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option, index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        option.widget.style().drawControl(option.widget.style().ControlElement.CE_ItemViewItem, option, painter,
                                          option.widget)
        progress = index.data(JobTableModel.ProgressRole)
        if progress is None:
            return
        state = index.data(JobTableModel.StateRole)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(8, 0, -8, 0)
        bar = QRectF(rect.left(), rect.center().y() - 3, rect.width() - 36, 6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 70) if selected else option.palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRectF(bar)
        filled.setWidth(max(0.0, bar.width() * progress))
        fill = QColor(STATUS_COLORS["COMPLETED"]) if state == JobState.COMPLETED.value else ACCENT
        painter.setBrush(QColor("white") if selected else fill)
        if filled.width() > 0:
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                            else QPalette.ColorRole.PlaceholderText))
        text_rect = QRect(int(bar.right()) + 4, rect.top(), 32, rect.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         f"{round(progress * 100)}%")
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(130, 28)


class StatusDelegate(QStyledItemDelegate):
    """A coloured dot before the status words."""

    def paint(self, painter: QPainter, option, index) -> None:
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style()
        style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        state = index.data(JobTableModel.StateRole)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(8, 0, -4, 0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(state_color(state or ""))
        painter.drawEllipse(QRectF(rect.left(), rect.center().y() - 4, 8, 8))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                            else QPalette.ColorRole.Text))
        text_rect = rect.adjusted(14, 0, 0, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width()))
        painter.restore()
