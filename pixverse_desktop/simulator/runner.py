"""Start and stop the simulator: in the running asyncio loop (tests, async code) or in a daemon thread
with its own loop (the Qt app's --demo mode, sync tests, benchmarks).

The Simulator owns the aiohttp server, the job ticker (which moves jobs along the clock even when
nobody polls, so replyUrl callbacks and renders happen on time) and the callback sender.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from typing import Any, Awaitable, Callable, Coroutine, TypeVar

import aiohttp
from aiohttp import web

from .config import SimulatorConfig
from .media import MediaStore
from .records import COMPLETED, GENERATING, VideoRecord
from .server import build_app
from .state import SimState

log = logging.getLogger(__name__)
T = TypeVar("T")


class Simulator:
    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.state = SimState(self.config)
        self.media = MediaStore(self.config, self.state)
        self.state.on_transition = self._on_transition
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()
        self._callback_chain: dict[int, asyncio.Task] = {}  # per job, so its callbacks arrive in order

    # -- addresses ------------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v2/pixverse"

    @property
    def token(self) -> str:
        return self.config.token

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        app = build_app(self)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host, self.port = host, self._runner.addresses[0][1]  # the real port when 0 was asked
        self.state.media_root = self.root_url
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.config.callback_timeout))
        self._loop = asyncio.get_running_loop()
        self._ticker = asyncio.create_task(self._tick(), name="pixverse-sim-ticker")
        log.info("PixVerse simulator listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session:
            await self._session.close()
            self._session = None
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        await asyncio.get_running_loop().run_in_executor(None, self.media.close)

    async def __aenter__(self) -> "Simulator":
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # -- jobs -----------------------------------------------------------------------------------

    async def _tick(self) -> None:
        while True:
            try:
                self.state.sync()
            except Exception:  # a bug in one tick must not stop the clock
                log.exception("simulator tick failed")
            await asyncio.sleep(self.config.tick)

    def advance(self, seconds: float) -> None:
        """Jump the job clock ahead (tests) and apply the resulting transitions now.

        Safe from another thread too (SimulatorThread): the transitions are then applied on the
        simulator's own loop, since they start renders and callbacks there.
        """
        self.state.clock.advance(seconds)
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self.state.sync()
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.state.sync)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def job_created(self, video: VideoRecord) -> None:
        self._send_callback(video)

    def _on_transition(self, video: VideoRecord, old: int, new: int) -> None:
        # Render as soon as a successful job starts generating, so its media is ready (or nearly) when
        # it completes; a job that skipped GENERATING between two ticks renders at completion.
        if self.config.render_eagerly and video.outcome == COMPLETED and new in (GENERATING, COMPLETED):
            self._spawn(self._render(video))
        self._send_callback(video)

    async def _render(self, video: VideoRecord) -> None:
        try:
            await self.media.video_file(video)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("rendering %s failed", video.video_id)

    def _send_callback(self, video: VideoRecord) -> None:
        if not video.reply_url or self._session is None:
            return
        payload = self.state.video_json(video)
        payload["replyRef"] = video.reply_ref
        previous = self._callback_chain.get(video.number)
        task = self._spawn(self._post_callback(previous, video, payload))
        self._callback_chain[video.number] = task

    async def _post_callback(self, previous: asyncio.Task | None, video: VideoRecord,
                             payload: dict[str, Any]) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        entry: dict[str, Any] = {"url": video.reply_url, "video_id": video.video_id,
                                 "video_status": payload["video_status"], "ok": False, "error": ""}
        self.state.callbacks.append(entry)
        try:
            assert self._session is not None
            async with self._session.post(video.reply_url, json=payload) as response:
                await response.read()
                entry["ok"] = response.status < 400
                entry["http_status"] = response.status
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # best effort, as documented: a dead receiver changes nothing
            entry["error"] = type(exc).__name__
        finally:
            if self._callback_chain.get(video.number) is asyncio.current_task():
                del self._callback_chain[video.number]

    # -- helpers for tests ------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0,
                       interval: float = 0.01) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("simulator condition not reached in time")
            await asyncio.sleep(interval)

    async def wait_final(self, video_id: str, timeout: float = 10.0) -> VideoRecord:
        """Wait until the job is COMPLETED/FAILED/MODERATED and, if completed, its media is rendered."""
        video = self.state.find_video(video_id)
        if video is None:
            raise KeyError(video_id)
        def finished() -> bool:
            self.state.sync()
            return video not in self.state.active

        await self.wait_for(finished, timeout)
        if video.status == COMPLETED:
            await asyncio.wait_for(self.media.video_file(video), timeout)
        return video

    def api_requests(self, path: str | None = None, method: str | None = None) -> list:
        return [r for r in self.state.requests
                if (path is None or r.path.startswith("/v2/pixverse" + path))
                and (method is None or r.method == method)]


class SimulatorThread:
    """A Simulator on its own event loop in a daemon thread. ``start()`` blocks until it listens."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.sim: Simulator | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        assert self.sim is not None
        return self.sim.base_url

    def start(self, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0) -> str:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._main, args=(host, port), name="pixverse-simulator",
                                        daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("simulator did not start in time")
        if self._error is not None:
            raise RuntimeError(f"simulator failed to start: {self._error}") from self._error
        return self.base_url

    def _main(self, host: str, port: int) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(host, port))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _serve(self, host: str, port: int) -> None:
        self._stopped = asyncio.Event()
        try:
            self.sim = Simulator(self.config)
            await self.sim.start(host, port)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            await self.sim.stop()

    def call(self, fn: Callable[[], T], timeout: float = 30.0) -> T:
        """Run ``fn`` on the simulator's loop (safe access to its state from another thread)."""
        async def run() -> T:
            return fn()
        return self.run(run(), timeout)

    def run(self, coro: Awaitable[T], timeout: float = 30.0) -> T:
        assert self.loop is not None
        future: Future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return future.result(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is None:
            return
        if self.loop is not None and self._stopped is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> "SimulatorThread":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
