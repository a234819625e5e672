"""The look: Fusion with a light or a dark palette, one accent colour, a little style sheet."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QStyleFactory, QWidget

ACCENT = QColor("#7c5cff")


@dataclass(frozen=True)
class Colors:
    window: str
    base: str
    alt: str
    text: str
    muted: str
    border: str
    card: str
    dark: bool
    frame: str = ""   # group frames: on the dark tab pages the border colour vanished (new-user pass)

    @property
    def accent(self) -> str:
        return ACCENT.name()


LIGHT = Colors(window="#f4f4f8", base="#ffffff", alt="#f7f7fb", text="#1d1d26", muted="#6b6b7b",
               border="#dcdce6", card="#ffffff", dark=False, frame="#cfcfdc")
DARK = Colors(window="#17171d", base="#1f1f27", alt="#23232c", text="#ececf3", muted="#9a9aab",
              border="#33333f", card="#22222b", dark=True, frame="#4c4c5c")

# Status badge colours, shared by the picker and the job table.
STATUS_COLORS = {
    "COMPLETED": "#2fb573", "QUEUED": "#8a8aa0", "GENERATING": "#3d8bfd", "FAILED": "#e5484d",
    "unknown": "#c9902b", "UPLOAD": "#7c5cff", "WAITING_SLOT": "#c9902b", "PENDING": "#8a8aa0",
    "SUBMITTING": "#3d8bfd", "NEEDS_ATTENTION": "#c9902b",
}


def current_colors() -> Colors:
    app = QGuiApplication.instance()
    if app is None:
        return LIGHT
    return DARK if app.palette().color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT


def _palette(c: Colors) -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    p.setColor(roles.Window, QColor(c.window))
    p.setColor(roles.WindowText, QColor(c.text))
    p.setColor(roles.Base, QColor(c.base))
    p.setColor(roles.AlternateBase, QColor(c.alt))
    p.setColor(roles.ToolTipBase, QColor(c.card))
    p.setColor(roles.ToolTipText, QColor(c.text))
    p.setColor(roles.PlaceholderText, QColor(c.muted))
    p.setColor(roles.Text, QColor(c.text))
    p.setColor(roles.Button, QColor(c.card))
    p.setColor(roles.ButtonText, QColor(c.text))
    p.setColor(roles.BrightText, QColor("#ffffff"))
    p.setColor(roles.Highlight, ACCENT)
    p.setColor(roles.HighlightedText, QColor("#ffffff"))
    p.setColor(roles.Link, ACCENT.lighter(130) if c.dark else ACCENT)
    p.setColor(roles.Mid, QColor(c.border))
    p.setColor(roles.Midlight, QColor(c.alt))
    p.setColor(roles.Dark, QColor(c.border).darker(130))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    return p


def _style_sheet(c: Colors) -> str:
    return f"""
    QMainWindow, QDialog {{ background: {c.window}; }}
    QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
    QToolBar {{ background: {c.window}; border: none; border-bottom: 1px solid {c.border}; spacing: 6px;
               padding: 4px 8px; }}
    QToolButton {{ padding: 4px 8px; border: 1px solid transparent; border-radius: 6px; }}
    QToolButton:hover {{ background: {c.alt}; }}
    QToolButton:checked {{ background: {c.border}; }}
    QToolButton:focus {{ border: 2px solid {c.accent}; padding: 3px 7px; }}
    QFrame#Card {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 10px; }}
    QLabel#CardTitle {{ font-weight: 600; font-size: 11pt; }}
    QLabel#Muted {{ color: {c.muted}; }}
    QLabel#FieldError {{ color: #e5484d; font-size: 8.5pt; }}
    QLabel#Reason {{ color: {c.muted}; font-size: 8.5pt; }}
    QLineEdit, QPlainTextEdit {{ border: 1px solid {c.border}; border-radius: 6px;
        padding: 4px 6px; background: {c.base}; selection-background-color: {c.accent}; }}
    QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {c.accent}; }}
    QComboBox, QSpinBox, QDoubleSpinBox {{ min-height: 22px; }}
    QTreeWidget#ShortcutTree::item {{ padding: 4px 10px 4px 2px; }}
    QTreeWidget#ShortcutTree {{ border: 1px solid {c.border}; border-radius: 8px; background: {c.base}; }}
    QToolButton#Disclosure {{ border: none; padding: 2px 0; color: {c.muted}; font-weight: 600; }}
    QToolButton#Disclosure:focus {{ border: none; padding: 2px 0; color: {c.accent}; text-decoration: underline; }}
    QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border-color: #e5484d; }}
    QPushButton {{ border: 1px solid {c.border}; border-radius: 6px; padding: 5px 12px; background: {c.card}; }}
    QPushButton:hover {{ border-color: {c.accent}; }}
    QPushButton#Primary {{ background: {c.accent}; color: white; border: none; font-weight: 600;
        padding: 8px 18px; }}
    QPushButton#Primary:disabled {{ background: {c.border}; color: {c.muted}; }}
    QPushButton:focus {{ border: 2px solid {c.accent}; padding: 4px 11px; }}
    QPushButton#Primary:focus {{ border: 2px solid {c.text}; padding: 6px 16px; }}
    QTableView, QListView {{ border: 1px solid {c.border}; border-radius: 10px; background: {c.base};
        alternate-background-color: {c.alt}; gridline-color: transparent; padding: 3px; }}
    QTableView:focus, QListView:focus {{ border: 2px solid {c.accent}; }}
    QHeaderView::section {{ background: {c.card}; border: none; border-bottom: 1px solid {c.border};
        padding: 5px 6px; color: {c.muted}; font-weight: 600; }}
    QSplitter::handle {{ background: transparent; }}
    QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
    QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
    QScrollBar::handle {{ background: {c.border}; border-radius: 3px; }}
    QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {c.muted}; }}
    QScrollBar::handle:vertical {{ min-height: 28px; }}
    QScrollBar::handle:horizontal {{ min-width: 28px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QFrame#Banner {{ border-radius: 8px; background: {'#3b1d20' if c.dark else '#fdecec'};
        border: 1px solid #e5484d; }}
    QFrame#Banner QLabel {{ color: {c.text}; }}
    QProgressBar {{ border: 1px solid {c.border}; border-radius: 5px; background: {c.alt}; text-align: center;
        max-height: 12px; font-size: 7.5pt; }}
    QProgressBar::chunk {{ background: {c.accent}; border-radius: 4px; }}
    QSlider::groove:horizontal {{ height: 4px; background: {c.border}; border-radius: 2px; }}
    QSlider::sub-page:horizontal {{ background: {c.accent}; border-radius: 2px; }}
    QSlider::handle:horizontal {{ background: {c.accent}; width: 12px; margin: -5px 0; border-radius: 6px; }}
    QGroupBox {{ border: 1px solid {c.frame or c.border}; border-radius: 8px; margin-top: 12px; padding-top: 8px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {c.text}; font-weight: 600; }}
    QScrollArea {{ border: none; background: transparent; }}
    QStatusBar {{ color: {c.muted}; }}
    QMenu {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 8px; padding: 5px; }}
    QMenu::item {{ padding: 6px 22px 6px 8px; border-radius: 5px; }}
    QMenu::item:selected {{ background: {c.accent}; color: white; }}
    QMenu::item:disabled {{ color: {c.muted}; }}
    QMenu::icon {{ padding-left: 6px; }}
    QMenu::separator {{ height: 1px; background: {c.border}; margin: 5px 6px; }}
    """


def is_dark(mode: str, scheme: Qt.ColorScheme | None = None) -> bool:
    """``mode``: light, dark or system; for system, ``scheme`` (or the platform's current one) decides."""
    if mode in ("light", "dark"):
        return mode == "dark"
    if scheme is None:
        app = QGuiApplication.instance()
        scheme = app.styleHints().colorScheme() if app is not None else Qt.ColorScheme.Unknown
    return scheme == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, mode: str = "system", scheme: Qt.ColorScheme | None = None) -> Colors:
    """``mode``: light, dark or system (follows the platform's colour scheme)."""
    colors = DARK if is_dark(mode, scheme) else LIGHT
    # At start-up Qt's own Fusion is often in place already (its default where the desktop names no
    # style): a second one re-polished every widget of the window for nothing (~4 ms, bench_startup).
    # Once a style sheet is set, the style reads as "" and a change of theme sets Fusion anew.
    if app.style().name() != "fusion":
        app.setStyle(QStyleFactory.create("Fusion"))
    palette = _palette(colors)
    app.setPalette(palette)
    # Fusion outlines a check box in the window colour made darker: on the dark window an unchecked
    # box all but vanished (1.1:1; new-user pass). Check boxes and radio buttons get a window colour
    # of their own, which only that outline uses (they paint no background).
    marks = QPalette(palette)
    if colors.dark:
        marks.setColor(QPalette.ColorRole.Window, QColor(colors.frame).lighter(170))
    for kind in ("QCheckBox", "QRadioButton"):
        app.setPalette(marks, kind)
    app.setStyleSheet(_style_sheet(colors))
    return colors


class ThemeController(QObject):
    """Applies the chosen mode now and, in "system" mode, again whenever the platform scheme flips.

    For an explicit light/dark choice it also tells Qt (6.8+) which scheme the app wants, so native
    parts Qt does not paint itself (title bars, file dialogs on some platforms) match the palette.
    """

    changed = Signal(object)   # Colors

    def __init__(self, app: QApplication, mode: str = "system", parent: QObject | None = None,
                 apply: bool = True) -> None:
        """``apply=False`` leaves applying to a later ``set_mode``: a window built before its style
        sheet is set is polished once, instead of once per re-parented subtree (bench_startup)."""
        super().__init__(parent)
        self.app = app
        self.mode = mode
        self.colors = LIGHT
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        if apply:
            self.set_mode(mode)

    def set_mode(self, mode: str) -> Colors:
        self.mode = mode if mode in ("system", "light", "dark") else "system"
        hints = self.app.styleHints()
        if hasattr(hints, "setColorScheme"):
            wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(self.mode)
            if wanted is None:
                hints.unsetColorScheme()
            else:
                hints.blockSignals(True)     # our own request, not a platform change
                hints.setColorScheme(wanted)
                hints.blockSignals(False)
        return self._apply(None)

    def detach(self) -> None:
        """Stops following the platform (the app is shutting down, or a new controller takes over)."""
        try:
            self.app.styleHints().colorSchemeChanged.disconnect(self._scheme_changed)
        except (RuntimeError, TypeError):
            pass

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self._apply(scheme)

    def _apply(self, scheme: Qt.ColorScheme | None) -> Colors:
        colors = DARK if is_dark(self.mode, scheme) else LIGHT
        if colors is not self.colors or self.app.palette() != _palette(colors):
            self.colors = apply_theme(self.app, "dark" if colors.dark else "light")
            self.changed.emit(self.colors)
        return self.colors


_REPOLISHED = (QEvent.Type.Polish, QEvent.Type.StyleChange)


class OpaqueViewport(QObject):
    """Keeps an item view's viewport painting its own opaque background.

    A style sheet that styles an item view leaves its viewport transparent (the view's rounded frame
    paints the background), so every repaint of the list also repainted the frame and the card behind
    it through the style-sheet engine: 2.7 ms per picker repaint, 1.6 ms opaque, and the lists repaint
    all the time while videos page in and jobs run (bench_stall). The sheet's padding keeps the square
    viewport inside the frame's rounded corners. Style-sheet polishing (first show, theme change)
    makes the viewport transparent again, so this re-applies after each.
    """

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view)
        # A viewport made here, not the one Qt made: handing a widget Qt created to Python for the first
        # time has PySide 6.12 find its class among every QWidget subclass, creating each of those
        # Python types with all their enums (~70 types, ~25 ms of start-up, bench_startup).
        self._viewport = QWidget()
        view.setViewport(self._viewport)
        self._viewport.installEventFilter(self)
        self._apply()

    def _apply(self) -> None:
        self._viewport.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self._viewport.setAutoFillBackground(True)   # the palette's Base, which the theme sets

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _REPOLISHED:
            self._apply()
        return False
