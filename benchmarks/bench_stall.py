"""Responsiveness: event-loop stalls of the real window while 100 jobs run on a fast simulator clock and
5,000 videos page into the picker with their thumbnails, next to the same window sitting idle.

A 5 ms precise QTimer beats on the GUI thread (qasync: the asyncio loop is the Qt loop); every gap
between two beats is time the loop could not answer the user. The window is the app's own
(``Application``: journal, engine with fast polling, thumbnail cache, the shared httpx client), built
in this process. The simulator runs in a child process (``SimProcess``): in a thread of this process it
would hold the GIL for its own JSON, rendering and bookkeeping and those pauses would be counted as the
app's (``STALL_SIM=thread`` measures that configuration, demo mode proper, for comparison).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time

from benchmarks.common import Heartbeat, SimProcess, TOKEN, qt_run, record, table

JOBS = int(os.environ.get("STALL_JOBS", 100))
VIDEOS = int(os.environ.get("STALL_VIDEOS", 5000))
IDLE_S = 3.0
FRAME_S = 0.016
PAGE_S = 0.06
SCROLL = os.environ.get("STALL_SCROLL", "page")
ACCOUNTS = [{"email": "a@example.com", "max_jobs": 8, "credits": 100_000},
            {"email": "b@example.com", "max_jobs": 8, "credits": 100_000}]
# A fast clock (a job takes 2 s instead of minutes); results are not rendered unless asked for, so the
# simulator's encoder does not take the cores the app is being measured on.
SIM = dict(queue_seconds=0.5, generate_seconds=1.5, seed_videos=VIDEOS, render_eagerly=False,
           accounts=ACCOUNTS, token=TOKEN)
ENGINE = dict(poll_min_s=0.1, poll_max_s=1.0, auto_download=False)


def progress(text: str) -> None:
    if os.environ.get("BENCH_VERBOSE"):
        print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def scroll_through(picker, model, stats: dict) -> None:
    """``page`` (recorded): the user keeps pressing End, every PAGE_S: the view jumps to the last row,
    which asks for the next page when the last one is in; the rows shown load their thumbnails.
    ``fling`` (STALL_SCROLL=fling): one viewport further every frame, painting every tile on the way,
    about 14,000 px/s for half a minute: a stress test no hand produces."""
    bar = picker.view.verticalScrollBar()
    view = picker.view
    fling = SCROLL == "fling"
    started = time.perf_counter()
    while True:
        if fling and bar.value() < bar.maximum():
            bar.setValue(min(bar.maximum(), bar.value() + max(view.viewport().height(), 1)))
        elif not fling and bar.value() < bar.maximum():
            view.scrollToBottom()
        elif model.canFetchMore():  # at the end already (the view asks by itself on reaching it)
            picker.proxy.fetchMore(picker.proxy.index(0, 0).parent())
        elif model.exhausted and not model.loading:
            break
        stats["frames"] = stats.get("frames", 0) + 1
        await asyncio.sleep(FRAME_S if fling else PAGE_S)
    stats["scroll_s"] = time.perf_counter() - started
    stats["rows"] = model.rowCount()


def cpu_s(proc) -> float:
    times = proc.cpu_times()
    return times.user + times.system


async def scenario(qapp, base_url: str | None, sim_thread_config, sim_pid: int | None = None) -> dict:
    import psutil

    from pixverse_desktop.api import ExtendRequest
    from pixverse_desktop.app import Application, AppOptions
    from pixverse_desktop.ui.paint_watch import wait_videos_painted

    with tempfile.TemporaryDirectory() as data:
        if base_url:
            options = AppOptions(api_base=base_url, token=TOKEN, data_dir=data, ask_token=False,
                                 engine_overrides=ENGINE, theme="light")
        else:
            options = AppOptions(demo=True, sim_config=sim_thread_config, data_dir=data, ask_token=False,
                                 engine_overrides=ENGINE, theme="light")
        app = Application(qapp, options)
        try:
            window = await app.start()
            await wait_videos_painted(window)
            progress("window painted")
            beat = Heartbeat()
            beat.start()
            await asyncio.sleep(IDLE_S)
            idle = beat.stop()
            progress("idle measured")

            engine, model = app.engine, window.video_model
            sources = {e: (await app.client.list_videos(e, limit=1))[0].video_id for e in engine.accounts}
            requests_before = app.client.request_count
            stats: dict = {}
            me, sim = psutil.Process(), psutil.Process(sim_pid) if sim_pid else None
            cpu_before = (cpu_s(me), cpu_s(sim) if sim else 0.0)
            beat.start()
            started = time.perf_counter()
            jobs = [engine.submit(ExtendRequest(prompt=f"stall {i}", email=e, video_id=sources[e]))
                    for i in range(JOBS // len(sources)) for e in sources]
            scroll = asyncio.ensure_future(scroll_through(window.picker, model, stats))
            finals = await asyncio.gather(*(engine.wait_final(j.id) for j in jobs))
            stats["jobs_s"] = time.perf_counter() - started
            progress(f"jobs final; {model.rowCount()} rows")
            await scroll
            load = beat.stop()
            stats.update(app_cpu_s=cpu_s(me) - cpu_before[0], sim_cpu_s=(cpu_s(sim) - cpu_before[1]) if sim else None)
            stats.update(load_s=time.perf_counter() - started, gaps=beat.gaps,
                         completed=sum(1 for j in finals if j.state.value == "COMPLETED"),
                         api_requests=app.client.request_count - requests_before,
                         thumbnail_fetches=app.thumbnails.network_fetches)
            return {"idle": idle, "load": load, "stats": stats}
        finally:
            await app.stop()


def main() -> dict:
    mode = os.environ.get("STALL_SIM", "process")
    if mode == "thread":
        from pixverse_desktop.simulator import AccountConfig, SimulatorConfig

        config = SimulatorConfig(**{**SIM, "accounts": [AccountConfig(**a) for a in ACCOUNTS]})
        result = qt_run(lambda qapp: scenario(qapp, None, config), timeout=300)
    else:
        with SimProcess(nice=int(os.environ.get("STALL_SIM_NICE", 10)), **SIM) as sim:
            result = qt_run(lambda qapp: scenario(qapp, sim.base_url, None, sim.proc.pid), timeout=300)
    idle, load, stats = result["idle"], result["load"], result["stats"]
    table(f"Event-loop stalls (5 ms heartbeat), {JOBS} jobs + {stats['rows']} videos paged "
          f"(simulator in a {mode}, scroll: {SCROLL})", [
              ("worst gap (ms)", f"{load['max_ms']:.1f}", f"{idle['max_ms']:.1f}"),
              ("p99 gap (ms)", f"{load['p99_ms']:.1f}", f"{idle['p99_ms']:.1f}"),
              ("median gap (ms)", f"{load['p50_ms']:.1f}", f"{idle['p50_ms']:.1f}"),
              ("gaps > 16 ms", str(load["over_16ms"]), str(idle["over_16ms"])),
              ("gaps > 50 ms", str(load["over_50ms"]), str(idle["over_50ms"])),
          ])
    print(f"  (app = under load for {stats['load_s']:.1f} s: jobs done in {stats['jobs_s']:.1f} s, "
          f"{stats['completed']}/{JOBS} completed, picker scrolled in {stats['scroll_s']:.1f} s over "
          f"{stats['frames']} frames, {stats['thumbnail_fetches']} thumbnails fetched; CPU: app "
          f"{stats['app_cpu_s']:.1f} s" + (f", simulator {stats['sim_cpu_s']:.1f} s" if stats['sim_cpu_s'] else "") + "; "
          f"baseline = the same window idle for {IDLE_S:.0f} s)")
    print("  target: worst <= 50 ms, p99 <= 16 ms")
    gaps = stats.pop("gaps")
    values = {"max_ms": load["max_ms"], "p99_ms": load["p99_ms"]}
    if mode == "process" and (JOBS, VIDEOS, SCROLL) == (100, 5000, "page"):  # the recorded configuration only
        record("stall", values, {"simulator": mode, "scroll": SCROLL, "load": load, "idle": idle, **stats,
                                 "worst_gaps_ms": sorted((round(g * 1000, 1) for g in gaps), reverse=True)[:20]})
    return values


if __name__ == "__main__":
    main()
