"""Network economy: API requests per completed job, the engine vs a naive client that polls every job
on its own every tick. 40 jobs on two accounts (maxJobs 3 and 2); both clients keep within maxJobs and
use the same tick, so the only difference is how they poll."""

from __future__ import annotations

import asyncio
import time

from benchmarks.common import TOKEN, record, simulator, table

JOBS = 40
TICK = 0.1
SIM = dict(queue_seconds=0.5, generate_seconds=1.5)
LIMITS = {"a@example.com": 3, "b@example.com": 2}


async def run_app(th) -> tuple[int, float]:
    from pixverse_desktop.api import ExtendRequest, PixverseClient, make_http_client
    from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
    from pixverse_desktop.jobs.store import JobStore
    import tempfile

    async with make_http_client() as http:
        client = PixverseClient(th.base_url, lambda: TOKEN, http)
        with tempfile.TemporaryDirectory() as tmp:
            store = JobStore.open(tmp)
            # Polling bounds scaled to the simulator's fast clock (the app's defaults are 2 s .. 20 s
            # for jobs that take minutes).
            engine = JobEngine(client, store, EngineConfig(poll_min_s=TICK, poll_max_s=TICK * 10))
            await engine.start()
            sources = {e: (await client.list_videos(e))[0].video_id for e in LIMITS}
            client.request_count = 0
            started = time.monotonic()
            jobs = [engine.submit(ExtendRequest(prompt=f"app {i}", email=e, video_id=sources[e]))
                    for i in range(JOBS // 2) for e in LIMITS]
            await asyncio.gather(*(engine.wait_final(j.id) for j in jobs))
            elapsed = time.monotonic() - started
            requests = client.request_count
            await engine.stop()
            store.close()
    return requests, elapsed


async def run_naive(th) -> tuple[int, float]:
    """Submit within maxJobs; every tick, GET /videos/{id} for every active job."""
    from pixverse_desktop.api import ExtendRequest, NotFound, PixverseClient, make_http_client

    async with make_http_client() as http:
        client = PixverseClient(th.base_url, lambda: TOKEN, http)
        sources = {e: (await client.list_videos(e))[0].video_id for e in LIMITS}
        client.request_count = 0
        queue = {e: [ExtendRequest(prompt=f"naive {i}", email=e, video_id=sources[e]) for i in range(JOBS // 2)]
                 for e in LIMITS}
        active: dict[str, str] = {}
        done = 0
        started = time.monotonic()
        while done < JOBS:
            for email, pending in queue.items():
                while pending and sum(1 for a in active.values() if a == email) < LIMITS[email]:
                    active[await client.extend(pending.pop(0))] = email
            for video_id in list(active):
                try:
                    video = await client.get_video(video_id)
                except NotFound:  # documented: 404 while still processing
                    continue
                if video.status.is_final:
                    del active[video_id]
                    done += 1
            await asyncio.sleep(TICK)
        return client.request_count, time.monotonic() - started


def main() -> dict:
    th = simulator(**SIM)
    try:
        app_requests, app_s = asyncio.run(run_app(th))
        naive_requests, naive_s = asyncio.run(run_naive(th))
    finally:
        th.stop()
    app, naive = app_requests / JOBS, naive_requests / JOBS
    table(f"Network economy: API requests per completed job ({JOBS} jobs, 2 accounts)", [
        ("requests per job", f"{app:.2f}", f"{naive:.2f}"),
        ("total requests", str(app_requests), str(naive_requests)),
        ("wall time (s)", f"{app_s:.1f}", f"{naive_s:.1f}"),
    ])
    ratio = app / naive
    print(f"  ratio app/naive = {ratio:.2f} (target <= 0.33)")
    values = {"app": round(app, 2), "naive": round(naive, 2), "ratio": round(ratio, 3)}
    record("requests_per_job", values, {"app_total": app_requests, "naive_total": naive_requests,
                                        "app_wall_s": app_s, "naive_wall_s": naive_s})
    return values


if __name__ == "__main__":
    main()
