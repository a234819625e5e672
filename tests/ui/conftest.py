"""Window tests: pytest-qt (offscreen) on a qasync loop, against the real engine and simulator.

The pattern, and why:

* ``aio`` builds one ``qasync.QEventLoop(qapp, already_running=True)`` per test: the asyncio loop counts
  as *running* for the whole test, so a task step that Qt happens to run (a key click, a widget's own
  processEvents) sees a running loop, as it does in the app under ``app.exec``. (With
  ``run_until_complete`` instead, Qt event processing between two calls steps tasks with no running
  loop, and httpx/anyio fail in confusing ways.)
* Tests wait by spinning Qt's event loop: ``aio.run(coro, timeout)`` schedules the coroutine and spins
  until it is done; ``aio.until(predicate, timeout)`` spins until the predicate holds. Every wait has a
  deadline, so nothing hangs; nothing sleeps in wall-clock loops without processing events.
* They spin with ``spin``, not ``QTest.qWait``: PySide6 keeps the GIL through ``qWait``, so the
  simulator's thread ran only while the test thread happened to run Python: its renders took ~19 s
  instead of ~0.5 s, and a result the player asked for could time out.
* Unexpected errors (an async slot or task that raised) reach the app's ``ExceptHook``; the fixture
  fails the test if any arrived.
* The simulator runs in its own thread (``SimulatorThread``), exactly like ``--demo``; read its state
  through ``sim.call(lambda: ...)``.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
from pathlib import Path
from typing import Any, Callable

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

from pixverse_desktop.app import Application, AppOptions
from pixverse_desktop.simulator import AccountConfig, SimulatorConfig, SimulatorThread
from pixverse_desktop.ui.error_dialog import ExceptHook

TOKEN = "ui-test-token-5d1e8b2c"
EMAIL = "a@example.com"
FAST_ENGINE = dict(poll_min_s=0.02, poll_max_s=0.2, busy_min_s=0.05, busy_max_s=0.1, transient_base_s=0.02,
                   transient_max_s=0.1, reconcile_delay_s=0.05, auto_download=False)


def pytest_collection_modifyitems(items) -> None:
    """QtMultimedia warns when a clip that is still opening from the simulator is replaced (a new source,
    a result to play) or cut off by shutdown. That is the player doing its job, not a fault."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("Immediate exit requested"))


def sim_config(accounts: list[AccountConfig] | None = None, **kw: Any) -> SimulatorConfig:
    kw.setdefault("queue_seconds", 0.05)
    kw.setdefault("generate_seconds", 0.2)
    kw.setdefault("seed_videos", 4)
    kw.setdefault("tick_seconds", 0.01)
    return SimulatorConfig(token=TOKEN, accounts=accounts or [AccountConfig(EMAIL, max_jobs=2, credits=100)],
                           **kw)


def spin(ms: int) -> None:
    """Runs Qt's event loop for ``ms`` milliseconds, as ``QTest.qWait`` does, but lets go of the GIL
    while Qt waits for events (``qWait`` keeps it). Not a nested ``QEventLoop.exec``: once the fixture's
    qasync loop has stopped (``QCoreApplication.exit``), every later ``exec`` returns at once."""
    deadline = time.monotonic() + ms / 1000
    wake = QTimer()
    wake.setSingleShot(True)
    while (left := deadline - time.monotonic()) > 0:
        wake.start(max(1, math.ceil(left * 1000)))
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    wake.stop()


class Aio:
    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def until(self, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
            spin(10)

    def run(self, coro, timeout: float = 30.0):
        future = asyncio.ensure_future(coro)
        try:
            self.until(future.done, timeout, f"{coro!r} to finish")
        except AssertionError:
            future.cancel()
            raise
        return future.result()

    def sleep(self, seconds: float) -> None:
        spin(int(seconds * 1000))


@pytest.fixture(autouse=True)
def _qt_garbage_collected_on_the_gui_thread():
    """Each test's cyclic garbage is collected when it ends, here, on the GUI thread. Left to chance,
    a collection ran in the next test's simulator thread and destroyed a parentless dialog of the test
    before (a QWidget held in a cycle of signal connections) there: a segmentation fault, 1 full run
    of tests/ui in 4. Set up first among the autouse fixtures, so it tears down last."""
    yield
    gc.collect()


@pytest.fixture
def aio(qapp):
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    hook = ExceptHook(show_dialog=False).install()

    def handler(_loop, context) -> None:
        exc = context.get("exception")
        if exc is not None and not isinstance(exc, asyncio.CancelledError):
            hook(type(exc), exc, exc.__traceback__)

    loop.set_exception_handler(handler)
    helper = Aio(loop)
    helper.hook = hook
    yield helper
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        helper.until(lambda: all(t.done() for t in pending), 10, "cancelled tasks")
    loop.stop()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    loop.close()
    hook.uninstall()
    assert not hook.errors, "unexpected errors:\n" + "\n".join(hook.errors)


@pytest.fixture
def start_app(aio, qapp, tmp_path):
    """``start_app(**AppOptions)`` -> a started Application (demo mode with a fast simulator by default)."""
    apps: list[Application] = []

    def start(**options: Any) -> Application:
        options.setdefault("data_dir", tmp_path / "data")
        options.setdefault("ask_token", False)
        options.setdefault("theme", "light")
        overrides = {**FAST_ENGINE, **options.pop("engine", {})}
        options.setdefault("engine_overrides", overrides)
        if options.get("demo") and options.get("sim_config") is None:
            options["sim_config"] = sim_config()
        app = Application(qapp, AppOptions(**options))
        apps.append(app)
        aio.run(app.start(), timeout=60)
        return app

    yield start
    for app in apps:
        aio.run(app.stop(), timeout=30)


def extend_posts(th: SimulatorThread) -> list:
    return th.call(lambda: th.sim.api_requests("/videos/extend-v3", "POST"))


def make_mp4(path: Path, seconds: float = 1.0, fps: int = 12) -> Path:
    """A small real H.264 file (PyAV), for uploads and the player."""
    import av
    from PIL import Image

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        for i in range(int(seconds * fps)):
            image = Image.new("RGB", (160, 96), ((i * 20) % 255, 60, 180))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
