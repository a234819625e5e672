"""Help → Keyboard shortcuts: the table of :mod:`.shortcuts`, grouped, with the platform's key names.

Apart from the table itself: the window's first frame needs the table (its actions) but not this
dialog, and importing the dialog's Qt classes creates their Python enums (~2 ms of start-up,
bench_startup).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from .shortcuts import CONTEXT, GROUPS, SHORTCUTS, spelled, text
from .state_restore import within_screen


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: the table, grouped, with the platform's key names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        # 720 px tall was clipped on a 768 px laptop screen under a panel (new-user pass); it scrolls.
        self.resize(within_screen(QSize(560, 720), parent.screen() if parent is not None else self.screen()))
        intro = QLabel(self.tr("Tab and Shift+Tab move between controls; arrow keys move inside lists."))
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("ShortcutTree")
        self.tree.setAccessibleName(self.tr("Shortcut list"))
        self.tree.setIndentation(14)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        for group, heading in GROUPS.items():
            top = QTreeWidgetItem([QCoreApplication.translate(CONTEXT, heading)])
            top.setFirstColumnSpanned(False)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for spec in (s for s in SHORTCUTS if s.group == group):
                top.addChild(QTreeWidgetItem([text(spec.name), spelled(spec.name)]))
            top.setExpanded(True)
        self.tree.setItemsExpandable(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        close.setFocus()   # Esc or Enter closes; the list is one Tab away for reading it

    def rows(self) -> list[tuple[str, str]]:
        """(action, keys) as listed, for tests and for copying."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out += [(top.child(j).text(0), top.child(j).text(1)) for j in range(top.childCount())]
        return out
