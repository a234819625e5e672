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
from benchmarks.notes import NOTES, RUNS, RUNS_INTRO, RUNS_TITLE

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
                             f"{v.get('complete_ratio', float('nan')):.2f}x; against the bare script without "
                             f"httpx's CLI (a user's install) {v.get('bare_no_cli_s', float('nan')):.2f} s: "
                             f"{v.get('ratio_no_cli', float('nan')):.2f}x (CPU time to the paint: "
                             f"{v.get('cpu_ratio_no_cli', float('nan')):.2f}x); in real mode (a token, the simulator "
                             f"as the service) {v.get('real_mode_s', float('nan')):.2f} s, "
                             f"{v.get('real_mode_ratio_no_cli', float('nan')):.2f}x the lean script"),
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
                      f"Python {m.get('python', '?')}, {m.get('os', '?')}; Qt offscreen (no display) with a "
                      "1920x1080 screen.",
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
        lines += ["None.", ""]
    for section, key, label in missed:
        note = NOTES.get((section, key)) or "Not investigated yet."
        lines += [f"- **{label}**: {note}", ""]
    fixed = [(s, k, label) for s, k, label, _u, op, t in TARGETS
             if s in data and k in data[s] and met(data[s][k], op, t) and NOTES.get((s, k))]
    if fixed:
        lines += ["## Met after changes", ""]
        for section, key, label in fixed:
            lines += [f"- **{label}**: {NOTES[(section, key)]}", ""]
    lines += [f"## {RUNS_TITLE}", "", RUNS_INTRO, "", "| " + " | ".join(RUNS[0]) + " |",
              "|" + "---|" * len(RUNS[0])]
    lines += ["| " + " | ".join(row) + " |" for row in RUNS[1:]]
    lines += [""]
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
