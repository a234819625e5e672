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
