"""The composition root: the only module that builds the concrete objects and wires them together.

One httpx.AsyncClient (API, thumbnails, downloads), the typed client with a token provider, the job
journal and engine, the thumbnail cache, the token store, the settings, and in demo mode the embedded
simulator: a child process spawned before Qt is imported (simulator/process.py), or, when a test
passes its own configuration, a thread it can reach into.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pixverse_desktop import APP_NAME
from pixverse_desktop.api.client import PixverseClient, api_base_from_env
from pixverse_desktop.api.transport import make_http_client
from pixverse_desktop.jobs.downloads import Downloader
from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
from pixverse_desktop.core import paths
from pixverse_desktop.jobs.store import JobStore
from pixverse_desktop.media.thumbnails import ThumbnailCache
from pixverse_desktop.storage.journal_lock import JournalInUse, JournalLock
from pixverse_desktop.storage.secrets import KeyringTokenStore, MemoryTokenStore
from pixverse_desktop.storage.settings import Settings
from pixverse_desktop.ui.icons import app_icon
from pixverse_desktop.ui.main_window import MainWindow, WindowServices
from pixverse_desktop.ui.paint_watch import PaintWatch, process_started_at
from pixverse_desktop.ui.progress_estimate import TypicalDurations
from pixverse_desktop.ui.quit_signals import QuitOnSignals
from pixverse_desktop.ui.video_delegate import tile_shape
from pixverse_desktop.ui.theme import ThemeController
from pixverse_desktop.ui.token_manager import TokenManager

log = logging.getLogger(__name__)


@dataclass
class AppOptions:
    demo: bool = False
    smoke_test: bool = False
    api_base: str | None = None
    data_dir: Path | None = None
    # For tests and benchmarks: a simulator config (demo mode), engine settings, a token for this run.
    sim_config: Any = None
    engine_overrides: dict[str, Any] = field(default_factory=dict)
    token: str | None = None
    theme: str | None = None
    ask_token: bool = True   # first run: show the token dialog when no token is stored
    files: list[str] = field(default_factory=list)   # videos to upload as sources once started (%F)
    sim_process: Any = None   # demo mode: a SimulatorProcess the entry point spawned before Qt loaded


class Application:
    SHOW_WITHIN_S = 0.15   # the longest the built window stays hidden waiting for its first videos
    SEND_WITHIN_S = 0.003   # see _start_while_building

    def __init__(self, qapp: QApplication, options: AppOptions) -> None:
        self.qapp = qapp
        self.options = options
        self.sim_thread = None
        self.sim_process = None
        self.journal_lock: JournalLock | None = None
        self.window: MainWindow | None = None
        self.engine: JobEngine | None = None
        self.base_url = ""
        self.theme: ThemeController | None = None
        self.uploads: asyncio.Future | None = None
        self._stopped = False
        self.first_paint: PaintWatch | None = None   # the video list's first paint with rows
        self.on_quit: Callable[[], None] | None = None   # the window's Quit, connected as it is made

    async def _start_simulator(self) -> tuple[str, str, TypicalDurations]:
        config = self.options.sim_config
        if config is None:
            from pixverse_desktop.simulator.process import SimulatorProcess

            self.sim_process = self.options.sim_process or SimulatorProcess.spawn()
            ready = await asyncio.to_thread(self.sim_process.wait_ready)
            return ready.base_url, ready.token, TypicalDurations(ready.queue_seconds, ready.generate_seconds)
        from pixverse_desktop.simulator import SimulatorThread

        self.sim_thread = SimulatorThread(config)
        base_url = await asyncio.to_thread(self.sim_thread.start)
        return base_url, config.token, TypicalDurations(config.queue_seconds, config.generate_seconds)

    async def start(self) -> MainWindow:
        o = self.options
        data_dir = Path(o.data_dir) if o.data_dir else paths.data_dir()
        if o.demo:
            data_dir = data_dir / "demo"   # demo jobs never mix with real ones
        # Before the journal is touched (a demo start removes the last demo's): one process at a time
        # runs its jobs, or a second window or a `jobs --wait` beside it sent the same job again.
        self.journal_lock = JournalLock(data_dir).acquire()
        if o.demo:
            # The simulator starts empty every time: yesterday's demo jobs name videos it never had.
            for stale in data_dir.glob("jobs.sqlite3*"):
                stale.unlink()
        self.data_dir = data_dir
        self.settings = Settings(data_dir / "settings.ini" if (o.demo or o.data_dir)
                                 else paths.config_dir() / "settings.ini")
        if o.demo:   # likewise its uploads: the new simulator never received them
            self.settings.set_state("uploads", "[]")
        # --theme is for this run only; Settings changes still apply live (and follow the system).
        # Applied once the window is built (below): under a style sheet Qt re-polishes a widget's
        # whole subtree every time it is re-parented, and building the window that way cost ~85 ms
        # of start-up (bench_startup); one polish of the finished window is the same as a theme change.
        self.theme = ThemeController(self.qapp, o.theme or self.settings.get("theme"), apply=False)
        self.qapp.setWindowIcon(app_icon())

        typical = TypicalDurations()
        if o.demo:
            self.base_url, sim_token, typical = await self._start_simulator()
            store, fixed = MemoryTokenStore(sim_token), True
        else:
            self.base_url = api_base_from_env(o.api_base or self.settings.get("api_base") or None)
            token = o.token or os.environ.get("USEAPI_TOKEN")
            store, fixed = (MemoryTokenStore(token), True) if token else (KeyringTokenStore(), False)

        self.http = make_http_client(plain_http_only=o.demo)
        self.tokens = TokenManager(store, self._verify_token, fixed=fixed)
        self.client = PixverseClient(self.base_url, self.tokens.provider, self.http)
        if o.demo and self.settings.get("library_dir") == str(paths.default_library_dir()):
            # The demo's results go under its own data folder, unless chosen in its Settings: set
            # in its settings, so Settings shows where they really go (it showed the real default).
            self.settings.set("library_dir", str(data_dir / "library"))
        library = self.settings.get("library_dir")
        # Demo jobs take ~11 s, so the demo polls more eagerly than the real defaults (2-20 s); a 5 s
        # ceiling (was 3 s) still shows each step promptly and polls less while jobs wait (bench_idle).
        config = EngineConfig(poll_min_s=0.5 if o.demo else self.settings.get("poll_min_s"),
                              poll_max_s=5.0 if o.demo else self.settings.get("poll_max_s"),
                              auto_download=self.settings.get("auto_download"), library_dir=library)
        if o.demo:   # the simulator's clock, a little under (as a learned duration would be)
            config.expected_job_s = 0.9 * (typical.queue_s + typical.generate_s)
        for key, value in o.engine_overrides.items():
            setattr(config, key, value)
        self.store = JobStore.open(data_dir)
        self.engine = JobEngine(self.client, self.store, config, downloader=Downloader(self.http, library))
        self.engine.load()   # the job list shows every journal job from its first frame, token or not
        cache_dir = data_dir / "thumbnails" if o.demo else paths.cache_dir() / "thumbnails"
        ratio = self.qapp.primaryScreen().devicePixelRatio() if self.qapp.primaryScreen() else 1.0
        self.thumbnails = ThumbnailCache(self.http, cache_dir, tile=tile_shape(ratio))

        status = self._demo_status() if o.demo else ""
        self.window = window = MainWindow(WindowServices(
            engine=self.engine, client=self.client, thumbnails=self.thumbnails, tokens=self.tokens,
            settings=self.settings, library_dir=library, thumb_dir=str(cache_dir), demo=o.demo,
            status_text=status, typical=typical, theme=self.theme), build=False)
        window.settingsApplied.connect(self.apply_settings)
        if self.on_quit is not None:
            window.quitRequested.connect(self.on_quit)

        if fixed:   # the token is at hand (demo, USEAPI_TOKEN): nothing to wait for before the build
            await self.tokens.load()
            await self._start_while_building(window)
        else:
            # From the keyring, which may take a while or ask the person to unlock it first: the whole
            # window is up before that, then the token, and on a first run the dialog over the window.
            await window.build()
            self.theme.set_mode(self.theme.mode)
            window.show()
            await self.tokens.load()
            if not self.tokens.token and o.ask_token and not o.smoke_test:
                # Once the window is on screen: opened before the window manager had placed it, the
                # dialog sat in the screen's corner rather than over the window.
                try:
                    await PaintWatch(window).wait(2.0)
                except asyncio.TimeoutError:
                    pass   # not painted (hidden, minimised): asked all the same
                await window.ask_token(first_run=True)
            await self.engine.start()
            await window.load_initial()
        # Everything built so far (modules, Qt wrappers, the window) lives as long as the app: take it
        # out of the cyclic collector's full passes, which otherwise walk its ~70,000 objects on the
        # GUI thread and stalled the window 30-80 ms each time (benchmarks/bench_stall.py). The entry
        # point kept the collector off until here (start-up); from now on it runs.
        gc.freeze()
        gc.enable()
        if o.files and not o.smoke_test:
            self.uploads = asyncio.ensure_future(self.window.upload_files([str(f) for f in o.files]))
        return self.window

    async def _start_while_building(self, window: MainWindow) -> None:
        """The engine starts (GET /accounts) and the picker asks for its first page while the window is
        built, not after. The first frame is the window's frame with the video list: it is shown once
        that page is in, so it lists the videos instead of an empty list painted first and again a
        moment later, and the form, player and job list fill their cards right after it has been
        painted (bench_startup: the first frame ~100 ms sooner; start() returns with all of it built).
        A slow service does not keep the window hidden: after SHOW_WITHIN_S it shows what it has, and
        the list fills in when the page arrives."""
        engine_started = asyncio.ensure_future(self.engine.start())
        try:
            await self._build_and_show(window, engine_started)
        except asyncio.CancelledError:
            engine_started.cancel()   # a quit while starting: not left running past stop()
            raise

    async def _build_and_show(self, window: MainWindow, engine_started: asyncio.Future) -> None:
        def started() -> bool:
            return engine_started.done() and not engine_started.exception()

        def ask_for_videos() -> None:
            if started() and window.video_model.needs_first_page:
                window.start_video_list()

        async def first_page(timeout: float) -> None:
            if window.video_model.loading and timeout > 0:
                await asyncio.wait([asyncio.ensure_future(window.video_model.wait_idle())], timeout=timeout)

        # A few milliseconds for GET /accounts to be on its way (connect, send) before the build takes
        # the thread: the simulator or the service answers while the picker is made.
        await asyncio.wait([engine_started], timeout=self.SEND_WITHIN_S)
        await window.build(between=ask_for_videos, until_frame=True)
        window.picker.expect_first_page()
        await first_page(self.SEND_WITHIN_S)   # likewise the first page, if it is asked for already
        self.first_paint = PaintWatch(window.picker.view.viewport(), lambda: window.video_model.rowCount() > 0)
        self.theme.set_mode(self.theme.mode)   # polished once, complete (see the ThemeController above)
        deadline = asyncio.get_running_loop().time() + self.SHOW_WITHIN_S
        await asyncio.wait([engine_started], timeout=self.SHOW_WITHIN_S)
        if started():
            ask_for_videos()
            await first_page(deadline - asyncio.get_running_loop().time())
        window.show()
        if window.video_model.rowCount():   # that frame is painted before the rest is built
            await asyncio.wait([self.first_paint.painted], timeout=self.SHOW_WITHIN_S)
        was_active = window.isActiveWindow()
        await window.build(between=ask_for_videos)
        focus = QGuiApplication.focusWindow()
        if was_active and not window.isActiveWindow() and \
                (focus is None or window.windowHandle().isAncestorOf(focus)):
            # The player's video surface, a native window of its own made while the window is shown,
            # took the keyboard focus from it (no window shortcuts): give it back, unless the person
            # went to another window meanwhile.
            window.activateWindow()
            for _ in range(20):   # asynchronous: done within a turn or two of the loop
                if window.isActiveWindow():
                    break
                await asyncio.sleep(0.005)
        await engine_started
        await window.load_initial()
        if self.first_paint.at:
            log.info("first frame with %d videos painted %.0f ms after the process started",
                     window.video_model.rowCount(), 1000 * (self.first_paint.at - process_started_at()))

    def apply_settings(self, keys: frozenset) -> None:
        """Settings saved in the dialog take effect now: the engine reads its config on every decision."""
        s, config = self.settings, self.engine.config
        if "poll_min_s" in keys or "poll_max_s" in keys:
            config.poll_min_s, config.poll_max_s = s.get("poll_min_s"), s.get("poll_max_s")
        if "auto_download" in keys:
            config.auto_download = s.get("auto_download")
        if "library_dir" in keys:
            library = s.get("library_dir")
            config.library_dir = library
            if self.engine.downloader is not None:
                self.engine.downloader.library_dir = Path(library)
            self.window.jobs.library_dir = library
        if "theme" in keys:
            self.theme.set_mode(s.get("theme"))
        log.info("settings applied: %s", ", ".join(sorted(keys)) or "none changed")

    def _demo_status(self) -> str:
        return QCoreApplication.translate(
            "Application", "Demo mode: a simulated PixVerse service at %s — no token, no network, "
            "no credits spent. Demo jobs and uploads start afresh at every launch.") % self.base_url

    async def _verify_token(self, token: str) -> None:
        await PixverseClient(self.base_url, lambda: token, self.http).accounts()

    async def stop(self) -> None:
        """Idempotent: a restart test stops the app itself, the fixture stops it again."""
        if self._stopped:
            return
        self._stopped = True
        if self.uploads is not None:
            self.uploads.cancel()
        if self.theme is not None:
            self.theme.detach()
        if self.window is not None and self.window.complete:
            self.window.state.save()   # also when the window is hidden in the tray (no close event)
            self.window.tray.shutdown()
            self.window.player.shutdown()
        if self.window is not None:   # complete or not (a start that failed while building it)
            self.window.bridge.detach()
            self.window.cancel_loads()
            self.window.close()
        if self.engine is not None:
            await self.thumbnails.aclose()
            await self.engine.stop()
            self.store.close()
            await self.http.aclose()
        if self.sim_thread is not None:
            await asyncio.to_thread(self.sim_thread.stop)
            self.sim_thread = None
        if self.sim_process is not None:
            await asyncio.to_thread(self.sim_process.stop)
            self.sim_process = None
        if self.journal_lock is not None:
            self.journal_lock.release()


async def run(qapp: QApplication, options: AppOptions, errors: list[str]) -> int:
    """Runs the app until its window closes (or, with ``smoke_test``, until the first paint with the
    demo videos loaded). ``errors`` collects what the excepthook saw: any means failure."""
    app = Application(qapp, options)
    quit_requested: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def request_quit() -> None:
        if not quit_requested.done():
            quit_requested.set_result(None)

    # From the start: Ctrl+C, Ctrl+Q or closing the window while the app still starts (a slow service,
    # the panels after the first frame) stops the start and ends the run, instead of being lost.
    signals = None
    if not options.smoke_test:
        signals = QuitOnSignals(request_quit, qapp)
        qapp.lastWindowClosed.connect(request_quit)
        app.on_quit = request_quit
    try:
        starting = asyncio.ensure_future(app.start())
        await asyncio.wait([starting, quit_requested], return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            log.info("quit while starting: the start is cancelled")
            starting.cancel()
            await asyncio.wait([starting])
            return 0
        try:
            window = starting.result()
        except JournalInUse as exc:
            log.error("not started: %s", exc)
            if not options.smoke_test:
                await already_running(exc)
            return 1
        if options.smoke_test:
            rows = window.video_model.rowCount()
            if window.video_model.last_error is not None or rows == 0:   # before waiting for a paint
                reason = window.video_model.last_error.user_message if window.video_model.last_error else \
                    "no videos were loaded"
                log.error("smoke test failed: %s", reason)
                return 1
            first = app.first_paint if app.first_paint is not None else \
                PaintWatch(window.picker.view.viewport(), lambda: window.video_model.rowCount() > 0)
            painted_at = await first.wait()
            complete_at = await PaintWatch(window.form).wait()   # and the whole window, form included
            # Wall-clock times, so bench_startup measures to these paints, not to the process exit.
            print(f"smoke test ok: {rows} videos loaded and painted (painted_at={painted_at:.6f} "
                  f"complete_at={complete_at:.6f} painted_cpu_s={first.cpu_s:.4f})")
            return 1 if errors else 0
        await quit_requested
        return 0
    finally:
        gc.enable()   # also when the start failed before it was turned back on
        await app.stop()
        if signals is not None:
            signals.uninstall()


async def already_running(exc: JournalInUse) -> None:
    """Said in a box, as the app does not start: a second window on the same jobs would send them again."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, QCoreApplication.translate(
        "Application", "PixVerse Desktop is already running."))
    box.setWindowIcon(app_icon())   # the app's own: it stopped before setting it for the whole app
    # Not always a window: a command (`jobs --wait`) may hold the jobs too (verification pass).
    box.setInformativeText(QCoreApplication.translate(
        "Application", "Another process (%s) is running the jobs of this data folder: the app's window "
        "(it may be in the tray) or a command such as jobs --wait. One process at a time does, so that no "
        "job is ever sent twice.") % (f"pid {exc.pid}" if exc.pid else "?"))
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    box.finished.connect(lambda result: done.done() or done.set_result(result))
    box.open()
    await done
