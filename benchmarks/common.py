"""Shared pieces: an in-thread simulator, a result table, the results file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results.json"
OUT = ROOT / "out"
TOKEN = "benchmark-token-5d1c0e"
# Qt's offscreen platform with a 1920x1080 screen (its own default is 800x800): the windows open at the
# sizes they have on a desktop (the app's first run: 1480x920, which it bounds by the screen's size),
# for every benchmark and for the bare scripts alike.
OFFSCREEN = f"offscreen:configfile={ROOT / 'screen-1920x1080.json'}"


def simulator(**kw):
    from pixverse_desktop.simulator import AccountConfig, SimulatorConfig, SimulatorThread

    accounts = kw.pop("accounts", None) or [AccountConfig("a@example.com", max_jobs=3, credits=100_000),
                                            AccountConfig("b@example.com", max_jobs=2, credits=100_000)]
    kw.setdefault("seed_videos", 4)
    th = SimulatorThread(SimulatorConfig(token=TOKEN, accounts=accounts, **kw))
    th.start()
    return th


def machine() -> dict[str, Any]:
    import psutil

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "os": platform.platform()}


def median(values):
    return statistics.median(values) if values else float("nan")


def table(title: str, rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows) + 2
    print(f"\n{title}")
    print(f"  {'':{width}}{'app':>14}{'baseline':>14}")
    for name, app, base in rows:
        print(f"  {name:{width}}{app:>14}{base:>14}")


def record(section: str, values: dict[str, Any], details: dict[str, Any] | None = None) -> None:
    """Merge ``values`` into results.json under ``section``; details go to out/<section>.json."""
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[section] = values
    data["machine"] = machine()
    data["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    OUT.mkdir(exist_ok=True)
    (OUT / f"{section}.json").write_text(json.dumps({**values, **(details or {})}, indent=2) + "\n")


def run_python(code: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


# -- a simulator in its own process ----------------------------------------------------------------
# The in-thread simulator shares the GIL with whatever it serves: for benchmarks that time the app's
# own event loop (stalls, idle CPU) its work would be counted as the app's. In a child process it only
# competes for a core, as a real server would not, so those figures are if anything pessimistic.

SIM_CODE = r"""
import asyncio, json, sys
from pixverse_desktop.simulator import AccountConfig, SimulatorConfig
from pixverse_desktop.simulator.__main__ import serve
spec = json.loads(sys.argv[1])
spec["accounts"] = [AccountConfig(**a) for a in spec["accounts"]]
asyncio.run(serve(SimulatorConfig(**spec), "127.0.0.1", 0))
"""

DEFAULT_ACCOUNTS = [{"email": "a@example.com", "max_jobs": 3, "credits": 100_000},
                    {"email": "b@example.com", "max_jobs": 2, "credits": 100_000}]


def _die_with_parent(nice: int = 0) -> None:
    """Linux: the child gets SIGTERM if the benchmark dies (a timeout, Ctrl+C) before stopping it."""
    if nice:
        os.nice(nice)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class SimProcess:
    """``python -c SIM_CODE``: the simulator's own CLI entry (``serve``) with a full SimulatorConfig."""

    def __init__(self, nice: int = 0, **config: Any) -> None:
        """``nice``: a lower CPU priority for the simulator, which stands in for a remote service: on a
        2-core machine its work (rendering thumbnails, JSON) would otherwise take turns with the app's
        GUI thread, which a real server's does not."""
        self.nice = nice
        config.setdefault("accounts", DEFAULT_ACCOUNTS)
        config.setdefault("token", TOKEN)
        self.config = config
        self.token = config["token"]
        self.proc: subprocess.Popen | None = None
        self.base_url = ""

    @property
    def root_url(self) -> str:
        return self.base_url.rsplit("/v2/", 1)[0]

    def start(self, timeout: float = 60.0) -> "SimProcess":
        self.proc = subprocess.Popen([sys.executable, "-c", SIM_CODE, json.dumps(self.config)],
                                     stdout=subprocess.PIPE, text=True,
                                     preexec_fn=lambda: _die_with_parent(self.nice))
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the simulator exited with {self.proc.wait()}")
            if line.startswith("PIXVERSE_API_BASE="):
                self.base_url = line.split("=", 1)[1].strip()
            if line.startswith("Press Ctrl+C"):
                return self
        self.stop()
        raise TimeoutError("the simulator did not start in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()   # serve() stops cleanly on SIGTERM
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "SimProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# -- the app's window on a qasync loop, in this process ----------------------------------------------

def qt_run(main, timeout: float = 120.0):
    """Runs ``await main(qapp)`` on a qasync loop over a QApplication (offscreen with a 1920x1080 screen
    unless another platform is set), as ``pixverse_desktop.__main__`` does. One call per process."""
    import asyncio

    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
    import qasync
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    errors: list[BaseException] = []

    def handler(_loop, context) -> None:
        exc = context.get("exception")
        if exc is not None and not isinstance(exc, asyncio.CancelledError):
            errors.append(exc)
            print(f"  (loop error: {type(exc).__name__}: {exc})", file=sys.stderr)

    loop.set_exception_handler(handler)
    import tempfile

    # A home of its own (cache, data, logs): cold caches, and nothing left in the user's folders.
    with tempfile.TemporaryDirectory(prefix="pixverse-bench-") as home, loop:
        os.environ["PIXVERSE_DESKTOP_HOME"] = home
        return loop.run_until_complete(asyncio.wait_for(main(qapp), timeout))


class Heartbeat:
    """A 5 ms precise QTimer; the gaps between its ticks are what the event loop made it wait."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval_ms = interval_ms
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)
        self.gaps: list[float] = []
        self._last = 0.0

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        return gap_stats(self.gaps)


def percentile(values, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def gap_stats(gaps: list[float]) -> dict[str, float]:
    ms = [g * 1000 for g in gaps]
    return {"beats": len(ms), "max_ms": round(max(ms), 1) if ms else float("nan"),
            "p99_ms": round(percentile(ms, 99), 1), "p50_ms": round(percentile(ms, 50), 1),
            "over_16ms": sum(1 for g in ms if g > 16), "over_50ms": sum(1 for g in ms if g > 50)}


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20
