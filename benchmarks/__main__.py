"""``python -m benchmarks [startup stall network download picker idle]``: runs the benchmarks (all six
by default, in that order), each in its own process so one failing or crashing does not stop the
others and none inherits another's memory; then prints a summary against the targets and writes
benchmarks/RESULTS.md from benchmarks/results.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import OUT, RESULTS, ROOT, machine

# (name on the command line, module, section in results.json)
BENCHMARKS = [
    ("startup", "bench_startup", "startup"),
    ("stall", "bench_stall", "stall"),
    ("network", "bench_network", "requests_per_job"),
    ("download", "bench_download", "download"),
    ("picker", "bench_picker", "picker"),
    ("idle", "bench_idle", "idle"),
]
TIMEOUT_S = 600

# (section, key, label, unit, op, target)
TARGETS = [
    ("startup", "ratio", "cold start, app / bare script", "x", "<=", 1.5),
    ("stall", "max_ms", "worst event-loop stall under load", "ms", "<=", 50),
    ("stall", "p99_ms", "p99 event-loop stall under load", "ms", "<=", 16),
    ("requests_per_job", "ratio", "requests per job, app / naive", "x", "<=", 1 / 3),
    ("download", "ratio", "download throughput, app / curl", "x", ">=", 0.9),
    ("download", "rss_growth_mb", "download RSS growth", "MB", "<=", 30),
    ("picker", "first_paint_ms", "10,000 videos: fill + first paint", "ms", "<=", 300),
    ("picker", "mem_growth_mb", "10,000 videos: memory growth", "MB", "<=", 100),
    ("idle", "cpu_pct", "idle CPU, 8 jobs polling", "% core", "<", 1.0),
]

# What each figure is compared with, from the benchmark's details (out/<section>.json).
CONTEXT = {
    "startup": lambda v, d: f"app {v['app_s']:.2f} s vs bare script {v['bare_s']:.2f} s (median of 10)",
    "stall": lambda v, d: (f"under load: worst {v['max_ms']} ms, p99 {v['p99_ms']} ms; the same window idle: "
                           f"worst {d.get('idle', {}).get('max_ms', '?')} ms, p99 {d.get('idle', {}).get('p99_ms', '?')} ms"),
    "requests_per_job": lambda v, d: f"app {v['app']} vs naive {v['naive']} requests per job",
    "download": lambda v, d: (f"app {v['app_mbps']:.0f} MB/s vs curl {v['curl_mbps']:.0f} MB/s (median of 5); "
                              f"RSS growth {v['rss_growth_mb']} MB"),
    "picker": lambda v, d: (f"app {v['first_paint_ms']} ms / {v['mem_growth_mb']} MB vs QStringListModel "
                            f"{d.get('baseline', {}).get('fill_paint_ms', float('nan')):.0f} ms / "
                            f"{d.get('baseline', {}).get('rss_growth_mb', float('nan')):.0f} MB; over HTTP "
                            f"(24 a page): first page {d.get('app', {}).get('first_page_ms', float('nan')):.0f} ms, "
                            f"all {d.get('app', {}).get('http_all_ms', float('nan')) / 1000:.1f} s; scroll through "
                            f"{d.get('app', {}).get('scroll_s', float('nan')):.1f} s "
                            f"(baseline {d.get('baseline', {}).get('scroll_s', float('nan')):.1f} s)"),
    "idle": lambda v, d: (f"app {v['cpu_pct']}% of a core, RSS {v['rss_mb']:.0f} MB (simulator threads apart: "
                          f"{d.get('sim_cpu_pct', float('nan')):.2f}%) vs bare window "
                          f"{d.get('bare_cpu_pct', float('nan')):.2f}%, {d.get('bare_rss_mb', float('nan')):.0f} MB; "
                          f"{d.get('requests', '?')} API requests in the minute"),
}

# Why a target is missed and what was done about it: kept next to the targets so RESULTS.md says it
# with the figures. A note only appears when its target is missed in the recorded figures.
NOTES = {
    ("startup", "ratio"): (
        "The bare script imports Qt and paints an empty window; the app also starts a whole HTTP server "
        "(the embedded simulator: aiohttp alone is ~0.25 s of imports), opens the journal, builds the real "
        "window and fetches accounts and the first page of videos before it counts as painted. Measured "
        "with `-X importtime` and cProfile: imports were ~1.0 s of a 1.64 s start. Done: the simulator "
        "imports its server and PyAV/Pillow only when used (1.64 s -> 1.31 s median on a quiet machine, "
        "ratio 2.9). Tried and reverted: starting the simulator in a thread before the Qt imports (no "
        "gain: imports are GIL-bound on either thread). Left: the remaining gap is mostly the server the "
        "bare script does not have (against an already running simulator the app still takes ~1.4 s on a "
        "busy machine: its own modules add ~0.23 s of imports to the bare stack's 0.35 s, and a window "
        "with text loads fonts the bare one never does); a closer figure would need the simulator in a "
        "separate, pre-started process, and the dialogs imported when first opened. This environment "
        "also sets PYTHONDONTWRITEBYTECODE=1, so the app's modules are compiled from source on every "
        "start while the bare script's site-packages are precompiled (measured effect small, ~0.05 s)."),
    ("stall", "max_ms"): (
        "Before the fixes, the same benchmark: worst 70-142 ms (p99 25 ms); after: 43-64 ms over "
        "several runs (one run met both targets). What remains is a full pass of Python's cyclic garbage "
        "collector over the rows loaded since start-up (15-30 ms when the cores are busy) or the machine "
        "taking the core away (2 cores shared with the simulator process and other engineers' test "
        "runs; the idle window alone shows 10-40 ms worst gaps then). Done: `gc.freeze()` once the window "
        "is up (`app.py`), so full passes skip the ~70,000 start-up objects (were 30-80 ms each); "
        "thumbnails decode with Pillow, which releases the GIL, instead of `QImage.fromData`/`scaled`, "
        "which hold it for the whole decode (a 1080p thumbnail kept the GUI thread waiting 25-50 ms); "
        "the thumbnail disk cache keeps a running size instead of listing its directory every 50 "
        "writes. With the simulator in a thread of the app (demo mode proper, `STALL_SIM=thread`) the "
        "figures are worse (worst ~85 ms, p99 ~32 ms): its work holds the GIL."),
    ("stall", "p99_ms"): (
        "Before: p99 25-26 ms; after: 15-20 ms depending on the machine's load. The rest is picker "
        "repaints landing together with HTTP work on the GUI thread (httpx costs ~1.5 ms of Python per "
        "request and qasync a Qt timer per callback; ~1,000 thumbnails and 209 pages in 20 s). Done: a "
        "tile paints in a third of the time (13 ms -> 4.5 ms for a screenful: the thumbnail is scaled and "
        "rounded once instead of on every paint, one model role instead of seven, fonts made once); "
        "thumbnails load 4 at a time, newest request first, requests for rows scrolled far past dropped "
        "(fling through 5,000 videos: 4,994 fetches -> ~1,400, scroll 74 s -> 28 s, p99 42 -> 21 ms); a "
        "failed `import sniffio` no longer searches sys.path on every request (10% of the GUI thread); "
        "the job table's 1 s tick is one signal, not one per row. Not done: the picker's and job table's "
        "viewports are transparent (rounded corners in the style sheet), so each repaint also repaints "
        "the window behind them (an opaque viewport measured 3.5 -> 2.2 ms per picker repaint)."),
    ("download", "ratio"): (
        "Before: 0.31-0.35 of curl; after: 0.5-0.7 (curl itself moves between 800 and 1,250 MB/s here). "
        "Done: asyncio's socket transport reads up to 1 MiB at a time instead of 256 KiB (fewer reader "
        "pauses, h11 events and loop turns; 4 MiB measured slower, a buffer that size is allocated per "
        "read). Tried and left out: batching writes in the worker thread (4 MiB, one writev) measured no "
        "better once reads were 1 MiB. What is left is h11's receive buffer: every read is appended to a "
        "bytearray and sliced out again (two copies, ~40% of the app's CPU for 500 MB) where curl hands "
        "the kernel's buffer to write(); closing the gap needs another HTTP/1.1 parser than h11, i.e. "
        "another client than httpx."),
    ("idle", "cpu_pct"): (
        "1.0-1.1% of a core over several runs (before: 1.02%, without the tray and menus added since). "
        "Demo mode polls every 0.5-3 s (the real defaults are 2-20 s): ~65 GET /videos a minute for two "
        "accounts at ~5 ms of GUI-thread CPU each (httpx, ~30 qasync callbacks, JSON), about 0.55% of a "
        "core; the job table's elapsed-time tick ~0.2%. Done: polls parse only the videos of the jobs "
        "they look for (`list_videos(..., only=ids)`), the tick repaints progress bars only when the "
        "percentage moves and sends one signal per column. Suggested: a demo poll ceiling of 5 s (as "
        "the demo jobs are 11 s long, they would still update promptly)."),
    ("picker", "mem_growth_mb"): (
        "Before: 119 MB; after: ~91 MB. Most of it is decoded thumbnails (320x180, 230 KB each). Done: "
        "the memory cache keeps 150 (was 300), the delegate 64 tile-sized copies."),
    ("picker", "first_paint_ms"): (
        "Before: 229 ms; after: ~90 ms. The filter proxy asked the model for every row's status even "
        "with no filter set (120 ms of 170 ms for 10,000 rows); it now accepts at once."),
}


def met(value: float, op: str, target: float) -> bool:
    return value <= target if op == "<=" else value >= target if op == ">=" else value < target


def fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def run(selected: list[tuple[str, str, str]]) -> dict[str, str]:
    outcome: dict[str, str] = {}
    for name, module, section in selected:
        print(f"\n=== {name} ({module}) ===", flush=True)
        started = time.monotonic()
        try:
            proc = subprocess.run([sys.executable, "-m", f"benchmarks.{module}"], timeout=TIMEOUT_S,
                                  cwd=ROOT.parent)
            outcome[section] = "ok" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
        except subprocess.TimeoutExpired:
            outcome[section] = f"timed out after {TIMEOUT_S} s"
        except Exception as exc:  # noqa: BLE001 - keep going with the next benchmark
            outcome[section] = f"failed ({exc})"
        print(f"=== {name}: {outcome[section]} in {time.monotonic() - started:.0f} s", flush=True)
    return outcome


def summary_rows(data: dict) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for section, key, label, unit, op, target in TARGETS:
        value = data.get(section, {}).get(key)
        if value is None:
            rows.append((label, "-", f"{op} {fmt(target)} {unit}", "no figure", section))
            continue
        rows.append((label, f"{fmt(value)} {unit}", f"{op} {fmt(target)} {unit}",
                     "met" if met(value, op, target) else "MISSED", section))
    return rows


def write_results_md(data: dict, outcome: dict[str, str]) -> Path:
    m = data.get("machine") or machine()
    lines = [
        "# Benchmark results",
        "",
        f"Latest figures from `python -m benchmarks` (results.json, updated {data.get('updated', '?')}).",
        "",
        "Machine: " + f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB RAM, "
                      f"Python {m.get('python', '?')}, {m.get('os', '?')}; Qt offscreen (no display).",
        "The machine was shared while these were taken (another engineer's test runs), so figures that",
        "depend on scheduling (stalls, download throughput) vary from run to run; rerun before concluding.",
        "",
        "| figure | value | target | | compared with |",
        "|---|---|---|---|---|",
    ]
    for label, value, target, status, section in summary_rows(data):
        details = {}
        detail_file = OUT / f"{section}.json"
        if detail_file.exists():
            details = json.loads(detail_file.read_text())
        try:
            context = CONTEXT[section](data[section], details) if section in data else ""
        except (KeyError, TypeError, ValueError):
            context = ""
        fresh = outcome.get(section)
        if fresh and fresh != "ok":
            context = f"(this run {fresh}; figure from an earlier run) " + context
        lines.append(f"| {label} | {value} | {target} | {status} | {context} |")
    missed = [(s, k, label) for s, k, label, _u, op, t in TARGETS
              if s in data and k in data[s] and not met(data[s][k], op, t)]
    lines += ["", "## Missed targets: why, and what was done", ""]
    if not missed:
        lines.append("None.")
    for section, key, label in missed:
        note = NOTES.get((section, key)) or "Not investigated yet."
        lines += [f"- **{label}**: {note}", ""]
    fixed = [(s, k, label) for s, k, label, _u, op, t in TARGETS
             if s in data and k in data[s] and met(data[s][k], op, t) and NOTES.get((s, k))]
    if fixed:
        lines += ["## Met after changes", ""]
        for section, key, label in fixed:
            lines += [f"- **{label}**: {NOTES[(section, key)]}", ""]
    lines += ["## Notes on method", "",
              "- Each benchmark runs in its own process, prints a table (app next to a baseline measured in "
              "the same run) and writes its figures to results.json and details to out/<name>.json.",
              "- Stalls: the real window in-process on a qasync loop, a 5 ms precise QTimer heartbeat; the "
              "simulator in a child process at a lower CPU priority (it stands in for a remote service). "
              "The picker is paged by jumping to its end every 60 ms while 100 jobs run on a 2 s clock; "
              "`STALL_SCROLL=fling` scrolls one viewport per frame instead (a stress test, not recorded).",
              "- Picker: `first_paint_ms` is the in-memory part (10,000 parsed videos into the model, to the "
              "first paint after); over HTTP the picker pages lazily, 24 videos a request.",
              "- Idle: demo mode in-process; CPU counted per thread, the simulator's threads apart; "
              "`IDLE_SECONDS` shortens it for tries (only 60 s runs are recorded).",
              ""]
    path = ROOT / "RESULTS.md"
    path.write_text("\n".join(lines))
    return path


def main(argv: list[str]) -> int:
    names = {b[0]: b for b in BENCHMARKS} | {b[1]: b for b in BENCHMARKS} | {b[2]: b for b in BENCHMARKS}
    unknown = [a for a in argv if a not in names]
    if unknown:
        print(f"unknown benchmark(s): {' '.join(unknown)}; choose from {' '.join(b[0] for b in BENCHMARKS)}",
              file=sys.stderr)
        return 2
    wanted = {names[a][0] for a in argv}
    selected = [b for b in BENCHMARKS if not wanted or b[0] in wanted]
    outcome = run(selected)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows = summary_rows(data)
    width = max(len(r[0]) for r in rows) + 2
    print("\nSummary (results.json)")
    for label, value, target, status, section in rows:
        note = "" if outcome.get(section, "ok") == "ok" else f"  [this run: {outcome[section]}]"
        print(f"  {label:{width}}{value:>14}  {target:>14}  {status}{note}")
    path = write_results_md(data, outcome)
    print(f"\nwrote {path.relative_to(ROOT.parent)}")
    return 0 if all(v == "ok" for v in outcome.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
