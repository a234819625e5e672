"""The order the main window is built in: its first frame, then its panels.

The first frame is what a person looks for first: menus, toolbar, the video picker (its first page
is asked for meanwhile) and the empty cards of the other panels at their final sizes. The form, the
player and the job list, with their modules (QtMultimedia among them), are built into their cards
after that frame is painted (``MainWindow.build``; bench_startup). Widgets here, no behaviour: the
window's methods are in main_window.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QSplitter, QToolBar, QVBoxLayout, QWidget

from pixverse_desktop import APP_NAME

from .account_banner import AccountBanner
from .adaptive_splitter import AdaptiveSplitter
from .elided_label import ElidedLabel
from .form_values import apply_form_values, preset_values
from .menus import build_menus
from . import shortcuts
from .state_restore import WindowStateKeeper
from .video_picker import VideoPicker

if TYPE_CHECKING:
    from .main_window import MainWindow

FRAME = "frame"   # what build_steps yields once the window can be shown
CARD_MARGIN = 10
FORM_MIN_WIDTH = 360


def card(widget: QWidget, margins: int = CARD_MARGIN) -> QFrame:
    frame = QFrame()
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.addWidget(widget)
    return frame


def first_jobs_height(window_height: int) -> int:
    """The job list's first height (a saved layout replaces it): 280 px in a roomy window; in a short
    one (a 768 px laptop screen) the videos, player and form above keep ~550 px and the jobs get what
    is left, instead of keeping 280 px while the form scrolls; but at least two rows under the column
    headers (150 px showed one and a half; new-user pass)."""
    return max(200, min(280, window_height - 550))


def _fill(frame: QFrame, panel: QWidget) -> None:
    """Puts ``panel`` into a card made with a placeholder (see MainWindow.build)."""
    layout = frame.layout()
    placeholder = layout.takeAt(0).widget()
    layout.addWidget(panel)
    placeholder.deleteLater()
    frame.setMinimumWidth(0)


def build_steps(w: "MainWindow") -> Iterator[str | None]:
    """Builds ``w`` step by step: each ``yield`` is a point where the event loop may run (requests
    under way advance); ``FRAME`` marks the first frame's end."""
    s = w.services
    w.picker = VideoPicker(w.video_model, s.client.upload_file, s.thumb_dir)
    w.picker.has_token = lambda: bool(s.tokens.token)
    yield None
    w.banner = AccountBanner()
    # The other panels' cards, empty until those panels are built (same sizes: nothing moves).
    w._cards = {name: card(QWidget()) for name in ("player", "form", "jobs")}
    w._cards["form"].setMinimumWidth(FORM_MIN_WIDTH + 2 * CARD_MARGIN)   # as wide as it will be
    # The player above the form where the window is too narrow for them side by side (see
    # adaptive_splitter): the whole window then fits half of a wide screen.
    right = AdaptiveSplitter()
    right.setChildrenCollapsible(False)
    right.addWidget(w._cards["player"])
    right.addWidget(w._cards["form"])
    right.setSizes([600, 400])
    right.setStretchFactor(0, 1)
    right.setObjectName("PlayerFormSplitter")
    w.right_splitter = right
    top = QSplitter(Qt.Orientation.Horizontal)
    # No panel can be dragged to nothing: a collapsed list had no way back but a 4-px handle, and a
    # splitter saves a hidden panel (View → Show the player) at width 0, which a restart restored as
    # collapsed, so the player came back invisible (new-user pass).
    top.setChildrenCollapsible(False)
    top.addWidget(card(w.picker))
    top.addWidget(right)
    top.setSizes([480, 1000])
    top.setStretchFactor(1, 1)
    top.setObjectName("TopSplitter")
    w.top_splitter = top
    main = QSplitter(Qt.Orientation.Vertical)
    main.setChildrenCollapsible(False)
    main.addWidget(top)
    main.addWidget(w._cards["jobs"])
    main.setSizes([600, first_jobs_height(w.height())])
    main.setStretchFactor(0, 1)
    main.setObjectName("MainSplitter")
    w.splitter = main
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(10, 8, 10, 6)
    layout.addWidget(w.banner)
    layout.addWidget(main, 1)
    w.setCentralWidget(body)
    w.actions_by_name = build_menus(w)
    _build_toolbar(w)
    w.status_label = ElidedLabel(s.status_text)   # "…" where a narrow window has no room; all of it as tooltip
    w.statusBar().addWidget(w.status_label, 1)
    w._keys = shortcuts.KeysForControls(w)   # from the first frame: a focused list keeps its letters
    w.state = WindowStateKeeper(w)
    w.state.restore_layout()
    yield FRAME

    from .extend_form import ExtendForm   # imported here: not needed for the first frame
    from .presets import PresetStore

    # Made inside their cards: a parentless widget made while the window is shown is a window of its
    # own for a moment, and that took the keyboard focus from the main window (no shortcuts).
    w.form = ExtendForm(w._cards["form"])
    w.form.setMinimumWidth(FORM_MIN_WIDTH)
    w.presets = PresetStore(s.settings, w)
    w.form.presets.bind(w.presets, lambda: preset_values(w.form),
                        lambda values: apply_form_values(w.form, values))
    w.form.presets.applied.connect(
        lambda name: w.show_status(QCoreApplication.translate("MainWindow", "Preset applied: %s") % name))
    w.form.presets.saved.connect(
        lambda name: w.show_status(QCoreApplication.translate("MainWindow", "Preset saved: %s") % name))
    yield None
    from .player import PlayerWidget

    w.player = PlayerWidget(w._cards["player"])
    yield None
    from .job_table import JobTable
    from .job_table_model import JobTableModel

    w.job_model = JobTableModel(s.thumbnails, source_thumbnail=w._source_thumbnail,
                                typical=s.typical, parent=w)
    w.jobs = JobTable(w.job_model, s.engine, s.library_dir, w._cards["jobs"])
    for name, panel in (("player", w.player), ("form", w.form), ("jobs", w.jobs)):
        _fill(w._cards[name], panel)
    # The saved layout again, now that every panel's minimum size is known: restored over the empty
    # cards, a width or splitter position the complete window cannot have would stand.
    w.layout().activate()
    w.state.restore_layout()
    _set_tab_order(w)

    w.bridge.jobChanged.connect(w._job_changed)
    w.bridge.jobRemoved.connect(w.job_model.remove)
    w.bridge.accountProblem.connect(lambda p: w.show_account_problem(p.kind, p.message, p.email))
    w.bridge.accountCleared.connect(lambda c: w.banner.clear(c.email))
    w.banner.enterTokenRequested.connect(w.replace_token)
    w.banner.retryRequested.connect(w._retry_account)
    w.picker.sourceSelected.connect(w._source_selected)
    # Enter on a video: on to its prompt (a keyboard user had nothing to press there; Alt+2 was needed).
    w.picker.view.addAction(shortcuts.make_action(w.picker.view, "video_prompt",
                                                  lambda: (w.picker.choose_current(), w.focus_prompt())))
    w.picker.accountError.connect(w._account_error)
    w.form.extendRequested.connect(w.submit)
    w.jobs.playRequested.connect(w.play_job)
    w.jobs.extendAgainRequested.connect(w.extend_again)
    w.jobs.message.connect(w.show_status)
    w.player.mediaError.connect(w.show_status)
    w.video_model.dataChanged.connect(w._maybe_refresh_source_image)
    w.video_model.pageLoaded.connect(w.job_model.sources_listed)
    w.video_model.pageLoaded.connect(w.catch_up)

    w.job_model.set_jobs(s.engine.jobs())
    # Once the list is on screen: its rows are laid out when Qt shows it, a turn of the loop from now,
    # and scrolled before that it stayed at its top (verification pass).
    QTimer.singleShot(0, w.jobs.show_current_work)
    w.bridge.release()
    from .tray import TrayController

    w.tray = TrayController(w)
    w.state.restore_form()
    w.state.restore_uploads()
    w.state.watch()
    w.finish_build()


def _build_toolbar(w: "MainWindow") -> None:
    bar = QToolBar(QCoreApplication.translate("MainWindow", "Main"))
    bar.setMovable(False)
    bar.setObjectName("MainToolbar")
    demo = QCoreApplication.translate("MainWindow", "DEMO")
    brand = QLabel(f"<b>{APP_NAME}</b>"
                   + (f"  <span style='color:#7c5cff'>{demo}</span>" if w.services.demo else ""))
    brand.setContentsMargins(4, 0, 16, 0)
    bar.addWidget(brand)
    # The same actions as the menus (one shortcut each), with shorter toolbar labels.
    for name, text in (("add_video", QCoreApplication.translate("MainWindow", "Add local video…")),
                       ("refresh", QCoreApplication.translate("MainWindow", "Refresh")),
                       ("settings", QCoreApplication.translate("MainWindow", "Settings"))):
        action = w.actions_by_name[name]
        action.setIconText(text)
        bar.addAction(action)
    w.addToolBar(bar)


def _set_tab_order(w: "MainWindow") -> None:
    """Tab follows the work, not the columns: pick a video, describe, Extend, watch the job, play it."""
    # The banner (when shown) and the picker's account/refresh row sit above the filter box: first.
    chain = [w.banner.action, w.banner.close_button, *w.picker.tab_chain, *w.form.tab_chain,
             *w.jobs.tab_chain, *w.player.tab_chain]
    for first, second in zip(chain, chain[1:]):
        QWidget.setTabOrder(first, second)
    w.tab_chain = chain
