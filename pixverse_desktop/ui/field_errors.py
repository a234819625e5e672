"""The extend form's inline errors: one label under each field (or under a pair of fields), and the
field's own label, so the reason line under the Extend button can say which field an error is about."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("FieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def column(*widgets: QWidget) -> tuple[QWidget, QVBoxLayout]:
    """``widgets`` stacked tight in a box of their own (a field and what goes under it)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return box, layout


class FieldErrors:
    """Error labels by field name (``labels``) and each field's name as shown (``names``)."""

    def __init__(self, tr: Callable[[str], str]) -> None:
        self.tr = tr
        self.labels: dict[str, QLabel] = {}
        self.names: dict[str, str] = {}

    def label_for(self, name: str, shown: str) -> QLabel:
        self.labels[name] = label = error_label()
        self.names[name] = shown or name
        label.setAccessibleName(self.tr("%s error") % (shown or name))
        return label

    def under(self, widget: QWidget, name: str, shown: str) -> QWidget:
        """``widget`` with its error label under it (``widget`` alone when ``name`` is empty)."""
        if not name:
            return widget
        return column(widget, self.label_for(name, shown or widget.accessibleName()))[0]

    def add(self, form: QFormLayout, shown: str, widget: QWidget, name: str) -> None:
        form.addRow(shown, self.under(widget, name, shown))

    def pair(self, left: QWidget, left_name: str, right: QWidget, right_name: str) -> QWidget:
        """Two fields side by side, their errors under both at full width: in a half-width column a
        long one ("Fast motion is only available…") wrapped into three clipped lines and pushed its
        neighbour out of line."""
        box, layout = column()
        row = QHBoxLayout()
        row.addWidget(left, 1)
        row.addWidget(right, 1)
        layout.addLayout(row)
        for widget, name in ((left, left_name), (right, right_name)):
            layout.addWidget(self.label_for(name, widget.accessibleName()))
        return box

    def named(self, field: str, text: str) -> str:
        """``text`` led by its field's name where its words do not name it already: "At most 2048
        characters" alone did not say which field."""
        shown = self.names.get(field, "").rstrip(":")
        if shown and field != "source" and shown.casefold() not in text.casefold():
            return f"{shown}: {text[:1].lower()}{text[1:]}"
        return text
