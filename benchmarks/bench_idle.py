"""Idle: the demo-mode window's resident memory and its CPU use over a minute with 8 jobs polling,
next to a bare window (the start-up baseline: PySide6 with QtMultimedia, httpx, qasync, keyring and an
empty QMainWindow holding a QVideoWidget) idling in its own process over the same minute.

The app is built in this process exactly as ``pixverse-desktop --demo`` builds it (``Application``
with the demo's own engine settings, which know the simulator's clock); only the simulator's clock is
slowed so the 8 jobs (4 on each of two accounts) stay QUEUED/GENERATING, and so polled, for the whole
minute. Given its own configuration the simulator runs in threads of this process (demo mode proper
runs it in a child process): CPU is counted per thread, and the simulator's threads (its loop, its
render pool, its loop's executor) are reported apart, since they stand in for the remote service.
RSS is the whole process, simulator included (so a little more than a demo user's app process).

``IDLE_SECONDS`` shortens the measurement for quick tries; only a 60 s run is recorded.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time

from benchmarks.common import OFFSCREEN, qt_run, record, table

SECONDS = float(os.environ.get("IDLE_SECONDS", 60))
SETTLE_S = 3.0
JOBS_PER_ACCOUNT = 4
SIM_THREADS = ("pixverse-simulator", "sim-render", "asyncio_")

BARE_IDLE = r"""
import sys
import httpx, keyring, qasync
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QVideoWidget())
window.resize(1280, 800)
window.show()
print("shown", flush=True)
app.exec()
"""


def thread_table() -> dict[str, float]:
    import threading

    import psutil

    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for t in psutil.Process().threads():
        name = names.get(t.id, f"native-{t.id}")
        out[name] = out.get(name, 0.0) + t.user_time + t.system_time
    return out


def thread_cpu() -> tuple[float, float]:
    """(app threads, simulator threads) CPU seconds of this process so far."""
    import threading

    import psutil

    sim_ids = {t.native_id for t in threading.enumerate() if t.name.startswith(SIM_THREADS)}
    app = sim = 0.0
    for t in psutil.Process().threads():
        if t.id in sim_ids:
            sim += t.user_time + t.system_time
        else:
            app += t.user_time + t.system_time
    return app, sim


async def scenario(qapp) -> dict:
    import psutil

    from pixverse_desktop.api import ExtendRequest
    from pixverse_desktop.app import Application, AppOptions
    from pixverse_desktop.ui.paint_watch import wait_videos_painted
    from pixverse_desktop.simulator import AccountConfig, SimulatorConfig

    config = SimulatorConfig.demo()
    config.accounts = [AccountConfig("studio@example.com", max_jobs=JOBS_PER_ACCOUNT, credits=120),
                       AccountConfig("backup@example.com", max_jobs=JOBS_PER_ACCOUNT, credits=120)]
    config.queue_seconds, config.generate_seconds = 5.0, 3600.0   # active all minute
    config.render_eagerly = False   # nothing to render: the results are never reached
    with tempfile.TemporaryDirectory() as data:
        app = Application(qapp, AppOptions(demo=True, data_dir=data, sim_config=config, ask_token=False))
        try:
            window = await app.start()
            await wait_videos_painted(window)
            engine = app.engine
            sources = {e: (await app.client.list_videos(e, limit=1))[0].video_id for e in engine.accounts}
            jobs = [engine.submit(ExtendRequest(prompt=f"idle {i}", email=e, video_id=sources[e]))
                    for i in range(JOBS_PER_ACCOUNT) for e in sources]
            await asyncio.sleep(SETTLE_S)
            proc = psutil.Process()
            rss_start = proc.memory_info().rss / 2**20
            requests0, cpu0, t0 = app.client.request_count, thread_cpu(), time.perf_counter()
            threads0 = thread_table()
            profile = os.environ.get("IDLE_PROFILE")   # a path: cProfile of the GUI thread over the minute
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            await asyncio.sleep(SECONDS)
            if profile:
                profiler.disable()
                profiler.dump_stats(profile)
            cpu1, elapsed = thread_cpu(), time.perf_counter() - t0
            threads = {k: round(v - threads0.get(k, 0.0), 3) for k, v in thread_table().items()}
            threads = dict(sorted(((k, v) for k, v in threads.items() if v > 0), key=lambda kv: -kv[1]))
            rss_end = proc.memory_info().rss / 2**20
            polling = [engine.get(j.id).state.value for j in jobs]
            return {"seconds": elapsed, "app_cpu_s": cpu1[0] - cpu0[0], "sim_cpu_s": cpu1[1] - cpu0[1],
                    "rss_start_mb": rss_start, "rss_mb": rss_end, "requests": app.client.request_count - requests0,
                    "job_states": polling, "thread_cpu_s": threads}
        finally:
            await app.stop()


def main() -> dict:
    import psutil

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": OFFSCREEN, "PIXVERSE_DESKTOP_HOME": home}
        bare = subprocess.Popen([sys.executable, "-c", BARE_IDLE], env=env, stdout=subprocess.PIPE, text=True,
                                stderr=subprocess.DEVNULL)
        try:
            assert bare.stdout is not None and bare.stdout.readline().startswith("shown")
            bare_proc = psutil.Process(bare.pid)
            bare_t0 = sum(bare_proc.cpu_times()[:2])
            bare_started = time.perf_counter()
            result = qt_run(scenario, timeout=SECONDS + 120)
            bare_cpu = sum(bare_proc.cpu_times()[:2]) - bare_t0
            bare_s = time.perf_counter() - bare_started
            bare_rss = bare_proc.memory_info().rss / 2**20
        finally:
            bare.terminate()
            bare.wait(10)
    app_pct = 100 * result["app_cpu_s"] / result["seconds"]
    sim_pct = 100 * result["sim_cpu_s"] / result["seconds"]
    bare_pct = 100 * bare_cpu / bare_s
    active = sum(1 for s in result["job_states"] if s in ("QUEUED", "GENERATING"))
    table(f"Idle: demo window, {len(result['job_states'])} jobs polling, {result['seconds']:.0f} s "
          "(baseline: bare QMainWindow + QVideoWidget)", [
              ("CPU, % of a core", f"{app_pct:.2f}", f"{bare_pct:.2f}"),
              ("  simulator threads (apart)", f"{sim_pct:.2f}", "-"),
              ("RSS (MB)", f"{result['rss_mb']:.0f}", f"{bare_rss:.0f}"),
              ("API requests in the minute", str(result["requests"]), "-"),
          ])
    print(f"  ({active} of {len(result['job_states'])} jobs still active at the end; RSS at the start of the "
          f"minute {result['rss_start_mb']:.0f} MB)")
    print("  target: idle CPU < 1% of a core")
    if os.environ.get("BENCH_VERBOSE"):
        print("  CPU seconds by thread:", result["thread_cpu_s"])
    values = {"rss_mb": round(result["rss_mb"], 1), "cpu_pct": round(app_pct, 2)}
    if SECONDS == 60:
        record("idle", values, {**result, "sim_cpu_pct": sim_pct, "bare_cpu_pct": bare_pct,
                                "bare_rss_mb": bare_rss})
    return values


if __name__ == "__main__":
    main()
