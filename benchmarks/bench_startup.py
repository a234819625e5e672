"""Cold start: process start to the first painted main window with the demo videos listed
(`pixverse-desktop --demo --smoke-test`, offscreen), next to a bare script importing the same stack and
painting an empty QMainWindow that holds a QVideoWidget. Median of 10 alternating runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from benchmarks.common import median, record, table

RUNS = 10

BARE = r"""
import sys
import httpx, keyring, qasync
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QVideoWidget())
window.resize(1280, 800)
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False
f = Painted(); window.installEventFilter(f)
window.show()
app.exec()
"""


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise RuntimeError(f"{command} failed: {result.stderr[-2000:]}")
    return elapsed


def main() -> dict:
    app_times, bare_times = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as home:  # cold: no cache, no journal, no settings
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": home}
            app_times.append(timed([sys.executable, "-m", "pixverse_desktop", "--demo", "--smoke-test"], env))
            bare_times.append(timed([sys.executable, "-c", BARE], env))
    app, bare = median(app_times), median(bare_times)
    table(f"Cold start to first paint (median of {RUNS}, offscreen)", [
        ("seconds", f"{app:.2f}", f"{bare:.2f}"),
        ("min / max", f"{min(app_times):.2f}/{max(app_times):.2f}", f"{min(bare_times):.2f}/{max(bare_times):.2f}"),
    ])
    print(f"  ratio app/bare = {app / bare:.2f} (target <= 1.5)")
    values = {"app_s": round(app, 3), "bare_s": round(bare, 3), "ratio": round(app / bare, 3)}
    record("startup", values, {"app_runs": app_times, "bare_runs": bare_times})
    return values


if __name__ == "__main__":
    main()
