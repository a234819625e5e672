"""A splitter that puts its panels side by side where they fit, one above the other where they do not.

The player and the form share the window's right-hand part: side by side they need ~800 px, which with
the video list made the whole window ~1100 px wide at the least, too wide for half of a 1920 px screen
beside a browser (new-user pass). In a narrower window the player now sits above the form instead; as
soon as the window is wide enough again, they go back side by side, each orientation keeping the sizes
the person gave it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

WIDE = Qt.Orientation.Horizontal
STACKED = Qt.Orientation.Vertical


def min_width(widget: QWidget) -> int:
    """What a layout gives ``widget`` at the least: its own minimum width if set, else its hint's."""
    return widget.minimumWidth() or widget.minimumSizeHint().width()


class AdaptiveSplitter(QSplitter):
    STACKED_SHARES = (45, 55)   # first panel above, the rest below, until the person moves the handle

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(WIDE, parent)
        self._sizes: dict[Qt.Orientation, list[int]] = {}
        self._borrowed = 0   # width taken from the panel before this one, given back as room returns

    def _shown(self) -> list[QWidget]:
        return [self.widget(i) for i in range(self.count()) if not self.widget(i).isHidden()]

    def side_by_side_width(self) -> int:
        widths = [min_width(w) for w in self._shown()]
        return sum(widths) + self.handleWidth() * max(0, len(widths) - 1)

    def fit(self, width: int | None = None) -> None:
        """Side by side if ``width`` (the current width by default) holds every shown panel at its
        minimum width, else stacked. Called as it is resized, and when a panel is shown or hidden.
        Before stacking, it takes the width it lacks from the panel before it in the parent splitter
        (the video list) down to that panel's minimum: a narrower window first narrows the list."""
        width = self.width() if width is None else width
        # As narrow as stacked needs, in either orientation, so the window can be made that narrow;
        # side by side, a width below what that needs turns the splitter. (An explicit minimum, not a
        # minimumSizeHint override: layouts ask for that hint ~150 times while the window is built.)
        self.setMinimumWidth(max((min_width(w) for w in self._shown()), default=0))
        lacking = self.side_by_side_width() - width
        if lacking > 0 and self._borrow(lacking):
            return   # the parent resizes this splitter again, wide enough
        if lacking < 0 and self._borrowed and self.orientation() == WIDE and self._repay(-lacking):
            return
        wanted = WIDE if lacking <= 0 else STACKED
        if wanted == self.orientation():
            return
        self._sizes[self.orientation()] = self.sizes()
        self.setOrientation(wanted)
        sizes = self._sizes.get(wanted)
        if sizes is None and wanted == STACKED:
            first = self.height() * self.STACKED_SHARES[0] // sum(self.STACKED_SHARES)
            sizes = [first] + [(self.height() - first) // max(1, self.count() - 1)] * (self.count() - 1)
        if sizes is not None:
            self.setSizes(sizes)
        self.updateGeometry()

    def _neighbour(self) -> tuple[QSplitter, int] | None:
        """The parent splitter and the index of the panel before this one in it (the video list)."""
        parent = self.parentWidget()
        if not isinstance(parent, QSplitter) or parent.orientation() != WIDE or parent.indexOf(self) < 1:
            return None
        return parent, parent.indexOf(self) - 1

    def _take(self, parent: QSplitter, theirs: int, width: int) -> None:
        """Moves ``width`` from the panel before this one to this one (negative: gives it back)."""
        sizes = parent.sizes()
        sizes[theirs] -= width
        sizes[theirs + 1] += width
        self._borrowed += width
        parent.setSizes(sizes)

    def _borrow(self, lacking: int) -> bool:
        neighbour = self._neighbour()
        if neighbour is None:
            return False
        parent, theirs = neighbour
        if parent.sizes()[theirs] - lacking < min_width(parent.widget(theirs)):
            return False
        if not self._borrowed:   # a handle the person drags decides the widths from then on
            parent.splitterMoved.connect(self._keep_chosen_widths, Qt.ConnectionType.UniqueConnection)
        self._take(parent, theirs, lacking)
        return True

    def _keep_chosen_widths(self, *_moved) -> None:
        self._borrowed = 0

    def _repay(self, spare: int) -> bool:
        """A window made wide again gives the video list back the width it gave up (it stayed narrow,
        one column of tiles, after a narrowing and widening; verification pass). Not while a handle is
        being dragged: then the person is choosing the widths."""
        neighbour = self._neighbour()
        if neighbour is None or QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            return False
        self._take(*neighbour, -min(spare, self._borrowed))
        return True

    def resizeEvent(self, event) -> None:
        self.fit(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        """Also when a panel's minimum width changes (a panel put into its card, which Qt shows a moment
        later; a saved layout restored): the width the splitter has may no longer hold them all."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return handled
