"""Knowing when something was painted: what a person sees as "started" is the video list painted
with its rows in it, not merely the window's first frame (the smoke test, bench_startup and the
start-up log line use this)."""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow


class PaintWatch(QObject):
    """The first paint of ``widget`` after which ``ready()`` holds: ``painted`` (a future), ``at``
    (wall-clock time) and ``cpu_s`` (the process's CPU time by then: steadier than the wall clock on a
    busy machine, for bench_startup)."""

    def __init__(self, widget: QWidget, ready=lambda: True) -> None:
        super().__init__(widget)
        self.widget, self.ready = widget, ready
        self.at = 0.0
        self.cpu_s = 0.0
        self.painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted.done() and self.ready():
            self.at = time.time()
            self.cpu_s = time.process_time()
            self.painted.set_result(self.at)
            self.widget.removeEventFilter(self)
        return False

    async def wait(self, timeout: float = 30.0) -> float:
        """Asks for a paint if none came yet, and waits for it."""
        if not self.painted.done():
            self.widget.update()
        return await asyncio.wait_for(asyncio.shield(self.painted), timeout)


async def wait_videos_painted(window: "MainWindow", timeout: float = 30.0) -> float:
    """Until the video list is painted (again) with its rows in it (benchmarks)."""
    return await PaintWatch(window.picker.view.viewport(), lambda: window.video_model.rowCount() > 0).wait(timeout)


def process_started_at() -> float:
    """Wall-clock time the process started (Linux; elsewhere the import of this module)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()
