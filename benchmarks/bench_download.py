"""Downloads: throughput and memory of the app's resumable downloader on a 500 MB result served by the
simulator, next to curl on the same URL. Each client runs in its own process so RSS is its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import median, record, simulator, table

SIZE_MB = 500
ROUNDS = 5

APP_CODE = r"""
import asyncio, json, resource, sys, time, psutil
from pixverse_desktop.api import make_http_client
from pixverse_desktop.api.transport import certificates_loaded
from pixverse_desktop.jobs.downloads import Downloader
url, folder = sys.argv[1], sys.argv[2]
proc = psutil.Process()
async def main():
    async with make_http_client() as http:
        # In the app the certificate store, which the first request waits for (api.transport), is
        # loaded during the start-up, long before a download: not timed here either, as it was not when
        # the client loaded it as it was made.
        await certificates_loaded(http)
        before = proc.memory_info().rss
        peak = [before]
        def progress(done, total):
            peak[0] = max(peak[0], proc.memory_info().rss)
        t = time.perf_counter()
        path = await Downloader(http, folder).fetch(url, "result.mp4", progress)
        elapsed = time.perf_counter() - t
        peak[0] = max(peak[0], proc.memory_info().rss)
        print(json.dumps({"seconds": elapsed, "bytes": path.stat().st_size, "rss_before": before,
                          "rss_peak": peak[0]}))
asyncio.run(main())
"""


def run_curl(url: str, folder: str) -> dict:
    target = Path(folder) / "curl.mp4"
    t = time.perf_counter()
    subprocess.run(["curl", "-sS", "-o", str(target), url], check=True, timeout=300)
    return {"seconds": time.perf_counter() - t, "bytes": target.stat().st_size}


def main() -> dict:
    import sys

    th = simulator()
    try:
        url = th.sim.root_url + f"/media/blob/{SIZE_MB}mb.mp4"
        th.run(th.sim.media.blob_file(SIZE_MB), timeout=300)  # made once, before timing
        app_runs, curl_runs = [], []
        # Both write to a RAM disk when there is one, so the figure is the client's cost, not the
        # disk's (which varies by 2x from run to run here); rounds alternate and the median counts.
        scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
        for _ in range(ROUNDS):
            with tempfile.TemporaryDirectory(dir=scratch) as folder:
                out = subprocess.run([sys.executable, "-c", APP_CODE, url, folder], capture_output=True,
                                     text=True, timeout=300)
                if out.returncode:
                    raise RuntimeError(out.stderr)
                app_runs.append(json.loads(out.stdout))
            with tempfile.TemporaryDirectory(dir=scratch) as folder:
                curl_runs.append(run_curl(url, folder) if shutil.which("curl") else None)
    finally:
        th.stop()
    mb = app_runs[0]["bytes"] / 1e6
    app_mbps = median([mb / r["seconds"] for r in app_runs])
    curl_mbps = median([mb / c["seconds"] for c in curl_runs if c]) if any(curl_runs) else float("nan")
    growth = max(r["rss_peak"] - r["rss_before"] for r in app_runs) / 2**20
    table(f"Downloads: a {SIZE_MB} MB result from the simulator", [
        ("throughput (MB/s)", f"{app_mbps:.0f}", f"{curl_mbps:.0f}"),
        ("RSS growth (MB)", f"{growth:.1f}", "-"),
    ])
    ratio = app_mbps / curl_mbps
    print(f"  ratio app/curl = {ratio:.2f} (target >= 0.9); RSS growth target <= 30 MB")
    values = {"app_mbps": round(app_mbps, 1), "curl_mbps": round(curl_mbps, 1), "ratio": round(ratio, 3),
              "rss_growth_mb": round(growth, 1)}
    record("download", values, {"app_runs": app_runs, "curl_runs": curl_runs})
    return values


if __name__ == "__main__":
    main()
