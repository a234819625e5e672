"""``python -m benchmarks [startup stall network download picker idle]``: runs the benchmarks (all six
by default, in that order; ``--report`` only rewrites RESULTS.md from results.json), each in its own process so one failing or crashing does not stop the
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
    "startup": lambda v, d: (f"app {v['app_s']:.2f} s vs bare script {v['bare_s']:.2f} s (median of 10), to the "
                             f"first frame with the videos listed; the whole window (form, player, jobs) "
                             f"{v.get('complete_s', float('nan')):.2f} s, "
                             f"{v.get('complete_ratio', float('nan')):.2f}x"),
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
        "Three stops ago 3.1x (1.55 s against 0.50 s), two stops ago ~2.3x, last stop 1.9-2.2x; at the "
        "start of this stop 2.0-2.1x on a slower day of this machine (0.75-0.80 s against 0.37-0.39 s). "
        "Done this stop, each measured with alternating runs against the stop's first code: (1) no "
        "cyclic garbage collection while the app starts: its imports and window make ~70,000 objects "
        "that live as long as it does, and the collector walked them again and again on the way; it is "
        "turned back on, with those objects frozen, once the window is up (-40 to -80 ms). (2) Handing "
        "Python a widget Qt had made (the lists' `viewport()`) had PySide 6.12 find its class among every "
        "QWidget subclass, creating 67 Python types with all their enums (~25 ms): the lists make their "
        "own viewports. (3) The first frame is the window's frame with the video list: menus, toolbar, "
        "the picker with its first page and the empty cards of the other panels at their final sizes; "
        "the form, player and job list, and their modules (QtMultimedia among them), are built into "
        "their cards right after that frame is painted (~0.1 s later). `start()` still returns with "
        "all of it, the smoke test reports both paints, and the whole window's time is recorded next "
        "to the target figure (`complete_s`, `complete_ratio`), so the split is never taken for a "
        "faster start of all of it; the whole window now paints about when the first frame did at the "
        "start of this stop. (4) GET /accounts and the first page are asked for while the window is "
        "built and the window is shown once that page is in (at most 0.15 s), so the first frame "
        "already lists the videos instead of an empty list painted first. (5) Small: the start-up log "
        "line no longer calls `platform.platform()` (8 ms), dialogs' types load on first use. "
        "Earlier stops: the simulator as a child process spawned first, the Qt-free layers imported "
        "before Qt, no application-wide event filter, the style sheet applied once. What the first "
        "frame still costs beyond the bare script, timed through quiet starts: ~0.1 s of imports of "
        "our own layers and the Qt types they touch (the Qt namespace's 94 enums, QStyle's 11, "
        "QFont's, QKeySequence's, which the bare script never creates), ~12 ms for the picker, ~6 ms "
        "for menus and toolbar, ~6 ms polishing under the style sheet, ~10 ms for GET /accounts and "
        "the first page (sequential: with several accounts the page needs the account), and ~20 ms "
        "painting text, tiles and frames the bare window does not have. The ratio moves with the "
        "machine's noise by +-0.1 from run to run (full runs on the final start-up code: 1.45, 1.45, "
        "1.50x; single runs 1.46-1.61x): it sits on the target, see the table of full runs below."),
    ("stall", "max_ms"): (
        "Before the first fixes: worst 70-142 ms; stop 7 43-64 ms; stop 8 25-55 ms; stop 9 "
        "23-36 ms in the runs where the idle baseline was quiet (52-58 ms in three runs where the same "
        "window idle also showed 16-36 ms: the virtual machine was disturbed; once 117 ms). Done in "
        "stop 9: the picker's rows-by-key index was rebuilt at every insert at its top, ~1.3 ms for 5,000 "
        "videos, several times in one poll as finished jobs landed there (10-18 ms pauses): rows are now "
        "counted only when asked after they moved; a poll yields to the loop every 8 job updates; "
        "thumbnails decode in the cache's own worker (see p99). What remains at the top is the "
        "benchmark's own burst of 100 submissions in one loop turn (20-30 ms) and one full garbage "
        "collection per run (20-28 ms). Earlier stops: the fsync of a SUBMITTING record in a worker "
        "thread, opaque list viewports, thin style-sheet scroll bars, `gc.freeze()` after start-up, "
        "Pillow decoding (it lets go of the GIL), a running size for the thumbnail disk cache."),
    ("stall", "p99_ms"): (
        "Stop 7 15-20 ms; stop 8 13.3-21 ms (mostly 16-19: met in a third of the runs); stop 9 "
        "10.7-15.7 ms in every run with a quiet idle baseline (10 runs; 16.6 ms in one where the idle "
        "window itself showed a 9.6 ms p99), and the gaps over 16 ms went from 22-32 to 10-17 a run. "
        "Done in stop 9: thumbnails are read, decoded and shaped in the thumbnail cache's own worker "
        "(one thread on two cores, two at most) instead of asyncio's default pool, where four loads "
        "took turns at the GIL with the GUI thread (sampled: the gaps over 14 ms with no slow "
        "callback of our own fell from 28-46 to 11-21 a run); no application-wide event filter (every paint and timer "
        "event of every object had gone through Python); a new tile is drawn on a copy of its empty "
        "card (0.225 -> 0.177 ms); the picker's index fix above. Earlier stops: tiles drawn once into "
        "an image and reused, opaque, badges cached, tile-shaped thumbnails made by the decoding thread. "
        "Left on the GUI thread: first drawings of tiles (~0.18 ms each, a page jump shows a dozen) "
        "and Qt's repaints of the picker while it jumps a page every 60 ms."),
    ("download", "ratio"): (
        "This stop: before the change, 1.10, 0.69 and 0.62x in three full runs and 1.06, 0.85 and 0.71x "
        "alone, single rounds of the app taking 0.39 s or 1.22 s for the same 500 MB (both sides write "
        "to /dev/shm, no disk involved). The slow rounds (1.6-1.9 s, 3 in 8) were a receive window that "
        "never opened: left to the kernel's auto-tuning, the two sides traded ~256 KiB at a time, each a "
        "wake-up of both event loops. Done: every connection gets a fixed 4 MiB receive buffer where the "
        "system allows one (Linux `net.core.rmem_max` >= 4 MiB; elsewhere auto-tuning is kept), passed "
        "as httpx's documented `socket_options`: 8 rounds 0.29-0.51 s against curl 0.33-0.62 s and the "
        "old client 0.46-1.1 s; 1.10, 1.11 and 1.11x in the runs after (app rounds 0.29-0.43 s). Before: "
        "stop 7 0.52x (0.42-0.75x across runs); stop 8 0.72-1.06x over 7 runs (median of 5 "
        "rounds each; 5 of 7 at or above 0.9); stop 9, with the same downloader, 0.96, 1.00, 1.12 and "
        "0.89x in four full runs and 0.88-0.91x in two runs of it alone (the app 770-999 MB/s, curl "
        "844-1,126 MB/s). Counting the reads shows two regimes from round to round: mostly the "
        "socket hands over nearly 2 MiB a read (~280 reads, ~1,000 MB/s); in some rounds never more "
        "than ~256 KiB (~2,800 reads, ~300-400 MB/s), most likely while the kernel's receive buffer "
        "has not grown, and each read then costs a turn of the Python event loop that curl does not "
        "pay. Tried without gain: a minimum read size on the socket (SO_RCVLOWAT), and gathering the "
        "reads that arrive while the disk is busy into one write (medians 1,075 against 1,148 MB/s "
        "over 10 rounds each, each side with one slow round). "
        "The cost was "
        "h11: every read was appended to its receive buffer and sliced out again, and httpcore copied "
        "each piece once more. Done: after the first chunk (which empties h11's buffer) the body is "
        "read straight from the connection through httpcore's documented `network_stream` extension, "
        "up to the announced Content-Length (so nothing of a following response can be taken; the "
        "connection is closed after, not reused); chunked or length-less bodies keep the h11 path. "
        "Socket reads of 2 MiB (0.5, 1, 2 and 4 MiB measured; 2 MiB steadiest). The rest of the "
        "spread is the machine: the same client without writing to disk varied 650-1,230 MB/s."),
    ("idle", "cpu_pct"): (
        "Was 0.95% (0.88-1.13% across runs, 58-65 GET /videos a minute); now ~0.6% with 24 requests a "
        "minute. The demo knows the simulator's clock, so it gives the engine an expected job "
        "duration: young jobs are polled when they are due (at most every 5 s, the demo's new ceiling, "
        "was 3 s) instead of every tenth of their age. The real service has no such prior: the engine "
        "learns each account's typical duration from its finished jobs, as before."),
    ("picker", "mem_growth_mb"): (
        "~70 MB since stop 9 (91-96 MB in stop 8; the one change that touches it: thumbnails now decode one "
        "at a time in the cache's own worker, not four at once). Most of it is "
        "decoded thumbnails. With the tile-shaped copies (194x112, 87 KB), only 48 full-size pictures "
        "(320x180, 230 KB, for the form, job table and effects) stay in memory beside 150 tiles; the "
        "delegate keeps 32 drawn tiles. The benchmark builds its thumbnail cache as the app does."),
    ("picker", "first_paint_ms"): (
        "Before: 229 ms; then ~90 ms; now 48-78 ms. The filter proxy asked the model for every row's "
        "status even with no filter set (120 ms of 170 ms for 10,000 rows); it now accepts at once."),
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
        "Nothing else ran while these were taken, but the machine (2 cores, a virtual machine) is noisy:",
        "figures that depend on scheduling (stalls, download throughput) vary from run to run; the notes",
        "below give the spread seen, so rerun before concluding.",
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
    lines += ["## The full runs of this stop (nothing else running), next to the last one of stop 9", "",
              "Stop 9's last run was on a quieter day of this machine (the bare script started in 0.27 s; "
              "this stop it took 0.32-0.46 s). The 18:37 run is the code before the job table's model "
              "and the tray moved after the first frame; 18:43 and 18:47 have the final start-up but "
              "the old downloader; 19:17 (this file) is the stop's final code, with the 4 MiB receive "
              "buffer. Single startup runs between them gave 1.48, 1.55, 1.57, 1.61, 1.48 and 1.46x; "
              "single download runs 1.06, 0.85 and 0.71x before the buffer, 1.11 and 1.10x after.", "",
              "| figure | stop 9 (10:34 UTC) | 18:37 UTC | 18:43 UTC | 18:47 UTC | 19:17 UTC |",
              "|---|---|---|---|---|---|",
              "| cold start ratio (app / bare s) | 1.90x (0.51 / 0.27) | 1.53x (0.63 / 0.42) | 1.45x (0.61 / 0.42) | 1.45x (0.52 / 0.36) | 1.50x (0.49 / 0.32) |",
              "| whole window painted (s, / bare) | - | 0.79 (1.89x) | 0.77 (1.83x) | 0.67 (1.85x) | 0.62 (1.92x) |",
              "| worst / p99 stall | 23.0 / 10.7 ms | 25.0 / 13.4 ms | 25.1 / 13.0 ms | 22.7 / 13.1 ms | 23.9 / 13.7 ms |",
              "| requests per job ratio | 0.136 | 0.139 | 0.154 | 0.137 | 0.136 |",
              "| download ratio (app, curl MB/s) | 0.89 (999, 1126) | 1.10 (1238, 1125) | 0.69 (777, 1127) | 0.62 (897, 1437) | 1.11 (1589, 1437) |",
              "| picker fill+paint / memory | 67 ms / 70.0 MB | 65 ms / 70.0 MB | 67 ms / 70.4 MB | 69 ms / 70.2 MB | 71 ms / 69.4 MB |",
              "| idle CPU | 0.56% | 0.50% | 0.47% | 0.58% | 0.52% |", ""]
    lines += ["## Notes on method", "",
              "- Each benchmark runs in its own process, prints a table (app next to a baseline measured in "
              "the same run) and writes its figures to results.json and details to out/<name>.json.",
              "- Stalls: the real window in-process on a qasync loop, a 5 ms precise QTimer heartbeat; the "
              "simulator in a child process at a lower CPU priority (it stands in for a remote service). "
              "The picker is paged by jumping to its end every 60 ms while 100 jobs run on a 2 s clock; "
              "`STALL_SCROLL=fling` scrolls one viewport per frame instead (a stress test, not recorded).",
              "- Picker: `first_paint_ms` is the in-memory part (10,000 parsed videos into the model, to the "
              "first paint after); over HTTP the picker pages lazily, 24 videos a request.",
              "- Idle: the demo's engine settings in-process; CPU counted per thread, the simulator's "
              "threads apart; `IDLE_SECONDS` shortens it for tries (only 60 s runs are recorded).",
              "- Start-up: `--demo --smoke-test` prints the wall-clock time at which its video list was "
              "painted with rows; the bare script prints its first paint; each side is timed from just "
              "before its process is started. The app is byte-compiled first (as pip does for a wheel).",
              ""]
    path = ROOT / "RESULTS.md"
    path.write_text("\n".join(lines))
    return path


def main(argv: list[str]) -> int:
    if argv == ["--report"]:   # RESULTS.md again from results.json (after editing the notes), no run
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        print(f"wrote {write_results_md(data, {}).relative_to(ROOT.parent)}")
        return 0
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
