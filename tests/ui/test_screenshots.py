"""Screenshots of the main window with demo data, light and dark, under screenshots/ (git-ignored).

Offscreen, QVideoWidget's surface is not part of ``grab()``, so the player's current frame (from its
video sink) is painted where the video widget sits: what a person would see on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QPainter, QPixmap

from pixverse_desktop.jobs.models import JobState

OUT = Path(__file__).resolve().parents[2] / "screenshots"


def grab_window(window) -> QPixmap:
    pixmap = window.grab()
    video = window.player.screen_main.video
    frame = video.videoSink().videoFrame().toImage()
    if not frame.isNull() and video.isVisible():
        painter = QPainter(pixmap)
        rect = QRect(video.mapTo(window, QPoint(0, 0)), video.size())
        painter.fillRect(rect, Qt.GlobalColor.black)
        size = frame.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawImage(QRect(rect.x() + (rect.width() - size.width()) // 2,
                                rect.y() + (rect.height() - size.height()) // 2, size.width(), size.height()),
                          frame)
        painter.end()
    return pixmap


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot(start_app, aio, theme):
    from pixverse_desktop.simulator import SimulatorConfig

    config = SimulatorConfig.demo(token="screenshot-token-1234")
    config.queue_seconds, config.generate_seconds = 0.3, 30.0
    app = start_app(demo=True, sim_config=config, theme=theme)
    w = app.window
    w.resize(1480, 920)
    aio.until(lambda: all(w.video_model.index(r).data(w.video_model.ThumbnailRole) is not None
                          for r in range(4)), 20, "thumbnails")
    w.picker.select_row(1)
    w.form.prompt.setPlainText("The petals lift into the wind as the camera rises above the lantern")
    w.form.variations.setValue(2)
    w.form.trigger_extend()
    w.form.prompt.setPlainText("Snow begins to fall on the lantern")
    w.form.variations.setValue(1)
    w.form.trigger_extend()
    aio.until(lambda: sum(w.job_model.job_at(r).state is JobState.GENERATING
                          for r in range(w.job_model.rowCount())) >= 2, 20, "jobs generating")
    aio.until(lambda: w.player.player.duration() > 0, 20, "the player")
    aio.sleep(1.2)
    OUT.mkdir(exist_ok=True)
    target = OUT / f"main-window-{theme}.png"
    assert grab_window(w).save(str(target))
    assert target.stat().st_size > 50_000
