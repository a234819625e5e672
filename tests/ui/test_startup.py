"""Start-up order: the engine and the first page of videos are asked for while the window is built,
the window's first frame is its frame with the video list (the form, player and job list fill their
cards right after), a slow service does not keep it hidden, nothing the engine says meanwhile is lost,
and the keys work as soon as start() returns."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from pixverse_desktop.jobs.models import AccountProblem, JobRemoved
from pixverse_desktop.ui.bindings import EngineBridge
from pixverse_desktop.ui.main_window import MainWindow
from tests.fresh_process import in_a_fresh_process

from .conftest import TOKEN, sim_config


def _watch_show(monkeypatch) -> list[tuple[int, float]]:
    """(rows in the picker's model, monotonic time) at each MainWindow.show()."""
    shown: list[tuple[int, float]] = []
    original = MainWindow.show

    def show(self) -> None:
        shown.append((self.video_model.rowCount(), time.monotonic()))
        original(self)

    monkeypatch.setattr(MainWindow, "show", show)
    return shown


def test_the_window_is_first_shown_with_its_videos(start_app, monkeypatch):
    shown = _watch_show(monkeypatch)
    app = start_app(demo=True)
    assert shown and shown[0][0] == 4                   # the simulator's samples, already in the list
    assert app.window.isVisible() and app.window.video_model.rowCount() == 4


def test_the_first_frame_lists_the_videos_and_the_rest_follows(start_app, monkeypatch):
    import pixverse_desktop.app as app_module

    watches: list = []
    seen: dict = {}
    real_watch_init, real_build = app_module.PaintWatch.__init__, MainWindow.build

    def watch_init(self, *args, **kwargs):
        real_watch_init(self, *args, **kwargs)
        watches.append(self)

    async def build(self, between=lambda: None, *, until_frame=False):
        if not until_frame:   # the second call: after the first frame
            seen["videos painted"] = watches[0].painted.done() and self.video_model.rowCount() > 0
            seen["panels"] = [n for n in ("form", "player", "jobs") if hasattr(self, n)]
        await real_build(self, between, until_frame=until_frame)

    monkeypatch.setattr(app_module.PaintWatch, "__init__", watch_init)
    monkeypatch.setattr(MainWindow, "build", build)
    app = start_app(demo=True)
    assert seen == {"videos painted": True, "panels": []}   # the videos were painted before the rest
    w = app.window
    assert w.complete and w.isActiveWindow()                 # then all of it, and the keys reach it
    assert app.first_paint.at > 0 and w.form.isVisible() and w.player.isVisible() and w.jobs.isVisible()


def test_keys_for_panels_not_built_yet_act_once_they_are(qapp, aio, start_app):
    """A key pressed as the window appears (Alt+2, M, Space) is not lost: it acts once its panel
    exists, a moment later."""
    app = start_app(demo=True)
    early = MainWindow(app.window.services, build=False)
    for step in early._steps:
        if step == MainWindow.FRAME:
            break
    assert not early.complete and not hasattr(early, "player")
    early.actions_by_name["mute"].trigger()                  # no AttributeError: it waits
    early.actions_by_name["loop"].trigger()
    for _ in early._steps:                                   # the panels, as after the first frame
        pass
    assert early.complete
    assert early.player.mute_button.isChecked()              # done, once
    assert not early.player.loop_button.isChecked()          # (loop starts on; toggled off once)
    early.actions_by_name["mute"].trigger()                  # from now on, at once
    assert not early.player.mute_button.isChecked()
    early.bridge.detach()
    early.deleteLater()


def test_quit_while_starting_stops_the_start(qapp, aio, sim_thread, tmp_path):
    """Ctrl+Q (or closing the window) while a slow service still holds the start back ends the run at
    once and cleanly; it was ignored until the start had finished, and a window closed then left the
    app running without one. (Closing goes through QApplication.lastWindowClosed, which Qt emits only
    inside exec(), so the test uses the Quit action; both are connected before the start.)"""

    th = sim_thread(sim_config())
    th.call(lambda: th.sim.state.faults.add("latency", seconds=3.0, method="GET", path="/videos"))
    running, window = _run_until_shown(qapp, aio, th, tmp_path)
    started = time.monotonic()
    window.actions_by_name["quit"].trigger()                 # Ctrl+Q
    aio.until(running.done, 10, "the run to end")
    assert running.result() == 0
    assert time.monotonic() - started < 2.0                  # not after the 3 s page
    assert not window.isVisible()


def test_a_slow_service_does_not_keep_the_window_hidden(start_app, sim_thread, monkeypatch):
    th = sim_thread(sim_config())
    th.call(lambda: th.sim.state.faults.add("latency", seconds=1.5, method="GET", path="/videos"))
    shown = _watch_show(monkeypatch)
    started = time.monotonic()
    app = start_app(api_base=th.base_url, token=TOKEN)
    rows_at_show, shown_at = shown[0]
    assert rows_at_show == 0                               # shown before the slow page came
    assert shown_at - started < 1.2                        # after SHOW_WITHIN_S, not after the 1.5 s page
    assert app.window.video_model.rowCount() == 4          # start() still returns with the page loaded


class _Engine:
    def __init__(self) -> None:
        self.listeners = []

    def subscribe(self, listener):
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def emit(self, event) -> None:
        for listener in list(self.listeners):
            listener(event)


def test_a_held_bridge_keeps_events_in_order_until_released(qapp):
    engine = _Engine()
    bridge = EngineBridge(engine, held=True)
    seen: list = []
    bridge.accountProblem.connect(lambda p: seen.append(("problem", p.kind)))
    bridge.jobRemoved.connect(lambda job_id: seen.append(("removed", job_id)))
    engine.emit(AccountProblem("a@example.com", "credits", "No credits left"))
    engine.emit(JobRemoved("j1"))
    assert seen == []                                      # the window is not listening yet
    bridge.release()
    assert seen == [("problem", "credits"), ("removed", "j1")]
    engine.emit(JobRemoved("j2"))                          # from now on, at once
    assert seen[-1] == ("removed", "j2")
    bridge.detach()
    assert engine.listeners == []


def test_list_viewports_do_not_load_every_widget_type():
    """Handing Python a widget Qt made (QAbstractScrollArea.viewport()) had PySide create the Python
    type of every QWidget subclass, ~25 ms of start-up; the lists make their own viewports."""
    probe = (
        "import PySide6.QtWidgets as W\n"
        "from PySide6.QtWidgets import QApplication, QListView, QTableView\n"
        "app = QApplication([])\n"
        "from pixverse_desktop.ui.theme import OpaqueViewport\n"
        "views = [QListView(), QTableView()]\n"
        "for v in views: OpaqueViewport(v)\n"
        "assert all(v.viewport() is not None for v in views)\n"
        "print(sorted(n for n in ('QWizard', 'QMdiArea', 'QCalendarWidget', 'QGraphicsView') if n in vars(W)))\n"
    )
    assert in_a_fresh_process(probe).strip().splitlines()[-1] == "[]"


def test_the_first_frame_modules_leave_dialog_types_unloaded():
    """Loading a Qt class creates all its Python enums; the window's first frame imports its modules
    (app.py), and the classes only its dialogs use (the file picker, the shortcuts list, the log
    folder's URL, the prompt's cursor) are imported where those are opened."""
    probe = (
        "import PySide6.QtCore as C, PySide6.QtGui as G, PySide6.QtWidgets as W\n"
        "import pixverse_desktop.app\n"
        "names = {'QFileDialog': W, 'QTreeWidget': W, 'QDialogButtonBox': W, 'QStandardPaths': C,\n"
        "         'QUrl': C, 'QDesktopServices': G, 'QTextCursor': G}\n"
        "print(sorted(n for n, m in names.items() if n in vars(m)))\n"
    )
    assert in_a_fresh_process(probe).strip().splitlines()[-1] == "[]"


def test_a_second_window_on_the_same_jobs_does_not_start(start_app, qapp, aio, tmp_path):
    """Two windows on one journal would each send its waiting jobs; a second demo start also deleted
    the first one's live journal. The second is refused before it touches anything, and says why."""
    from pixverse_desktop.app import Application, AppOptions, run
    from pixverse_desktop.storage.journal_lock import JournalInUse

    first = start_app(demo=True)
    journal = first.store.journal.path
    assert journal.exists()
    second = Application(qapp, AppOptions(demo=True, data_dir=tmp_path / "data", ask_token=False,
                                          sim_config=sim_config()))
    with pytest.raises(JournalInUse) as refused:
        aio.run(second.start(), timeout=30)
    assert refused.value.pid == os.getpid()
    aio.run(second.stop(), timeout=30)
    assert journal.exists() and first.window.video_model.rowCount() > 0
    errors: list[str] = []
    assert aio.run(run(qapp, AppOptions(demo=True, data_dir=tmp_path / "data", smoke_test=True,
                                        sim_config=sim_config()), errors), timeout=60) == 1
    assert journal.exists()


def test_after_a_restart_the_job_list_shows_the_job_still_running(start_app, sim_thread, aio, tmp_path):
    """The list opened at its oldest rows and the resumed job, at the bottom, was out of sight: it was
    scrolled before Qt had laid the list out (verification pass)."""
    from pixverse_desktop.jobs.models import JobState

    th = sim_thread(sim_config())
    first = start_app(api_base=th.base_url, token=TOKEN, data_dir=tmp_path / "one")
    w = first.window
    w.picker.select_row(1)
    for i in range(12):
        w.form.prompt.setPlainText(f"take {i}")
        w.submit(w.form.request())
    aio.until(lambda: all(w.job_model.job_at(r).state is JobState.COMPLETED for r in range(12)), 60, "12 jobs")
    w.form.prompt.setPlainText("the one still running")
    last = w.submit(w.form.request())[0]
    aio.run(first.stop(), timeout=30)

    w = start_app(api_base=th.base_url, token=TOKEN, data_dir=tmp_path / "one").window
    view, table = w.jobs.view, w.jobs

    def shown() -> bool:
        index = table.proxy.mapFromSource(w.job_model.index(w.job_model.row_of(last.id), 0))
        return view.isVisible() and view.visualRect(index).intersects(view.viewport().rect())

    aio.until(shown, 5, "the resumed job in sight")
    assert view.verticalScrollBar().value() > 0


def test_a_slow_service_shows_the_list_is_on_its_way_from_the_first_frame(qapp, sim_thread, aio, tmp_path):
    """The first page waits for GET /accounts: with a slow service the list stood empty, without a
    word, for as long as that took (8 s in the network-failure pass)."""

    th = sim_thread(sim_config())
    th.call(lambda: th.sim.state.faults.add("latency", seconds=2.0, method="GET", path="/accounts"))
    running, window = _run_until_shown(qapp, aio, th, tmp_path)
    assert window.video_model.rowCount() == 0 and not window.video_model.loading   # the accounts come first
    assert window.picker.state_label.text() == "Loading videos…"
    window.actions_by_name["quit"].trigger()
    aio.until(running.done, 15, "the run to end")


def _run_until_shown(qapp, aio, th, tmp_path):
    """The app's run() on ``th``, until its window is shown: (the running task, the window)."""
    from PySide6.QtWidgets import QApplication

    from pixverse_desktop.app import AppOptions, run

    options = AppOptions(api_base=th.base_url, token=TOKEN, data_dir=tmp_path / "data", theme="light",
                         ask_token=False)
    running = asyncio.ensure_future(run(qapp, options, []))
    aio.until(lambda: any(type(w) is MainWindow and w.isVisible() for w in QApplication.topLevelWidgets()),
              10, "the window")
    return running, next(w for w in QApplication.topLevelWidgets() if type(w) is MainWindow and w.isVisible())
