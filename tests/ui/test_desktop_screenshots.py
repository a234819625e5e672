"""Screenshots of the desktop parts under screenshots/ (git-ignored), to look at before a release:
the settings dialog (each page, light and dark), the tray menu with running jobs, the keyboard
shortcuts dialog and the About box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPixmap

from pixverse_desktop.api.schemas import ExtendRequest
from pixverse_desktop.jobs.models import JobState
from pixverse_desktop.ui import theme
from pixverse_desktop.ui.about_dialog import AboutDialog
from pixverse_desktop.ui.settings_dialog import SettingsDialog
from pixverse_desktop.ui.shortcuts_dialog import ShortcutsDialog
from pixverse_desktop.ui.tray import menu_texts

from .conftest import sim_config

OUT = Path(__file__).resolve().parents[2] / "screenshots"


def _save(pixmap: QPixmap, name: str) -> Path:
    OUT.mkdir(exist_ok=True)
    target = OUT / name
    assert pixmap.save(str(target)), target
    assert target.stat().st_size > 3_000
    return target


def test_desktop_screenshots(start_app, aio, qapp):
    app = start_app(demo=True, sim_config=sim_config(queue_seconds=0.2, generate_seconds=60))
    w = app.window
    w.presets.save("Slow clay, 8 s", {"duration": 8, "quality": "540p", "motion_mode": "normal", "style": "clay",
                                      "seed_random": True, "variations": 1})
    w.presets.save("Anime burst", {"duration": 5, "quality": "360p", "motion_mode": "fast", "style": "anime",
                                   "seed_random": False, "seed": "42", "variations": 3})
    source = w.video_model.item(0).video.video_id
    prompts = ["The lantern lifts off and drifts over the lake", "Snow starts to fall on the rooftops",
               "The camera pulls back to reveal the whole valley at dawn, mist rising between the trees"]
    for prompt in prompts:
        w.form.prompt.setPlainText(prompt)
        w.submit(ExtendRequest(prompt=prompt, video_id=source))
    # the account runs two at a time: two generate, the third waits for a slot
    aio.until(lambda: sum(w.job_model.job_at(r).state is JobState.GENERATING
                          for r in range(w.job_model.rowCount())) == 2, 20, "two jobs generating")

    tray = w.tray
    tray.rebuild()
    assert menu_texts(tray.menu)[0] == "Running jobs (3)" and len(tray.job_actions()) == 3
    tray.menu.adjustSize()
    _save(tray.menu.grab(), "tray-menu.png")

    try:
        for mode in ("light", "dark"):
            theme.apply_theme(qapp, mode)
            dialog = SettingsDialog(app.settings, app.tokens, w, presets=w.presets, form_values=dict,
                                    apply_preset=lambda _n: None)
            dialog.show()
            for index, page in enumerate(("general", "new-jobs", "presets")):
                dialog.tabs.setCurrentIndex(index)
                aio.sleep(0.05)
                _save(dialog.grab(), f"settings-{page}-{mode}.png")
            dialog.close()
            dialog.deleteLater()
            shortcuts = ShortcutsDialog(w)
            shortcuts.show()
            aio.sleep(0.05)
            _save(shortcuts.grab(), f"shortcuts-{mode}.png")
            shortcuts.close()
            about = AboutDialog(w)
            about.show()
            aio.run(about.lookup, 15)
            _save(about.grab(), f"about-{mode}.png")
            about.close()
        tray.rebuild()
        tray.menu.adjustSize()
        _save(tray.menu.grab(), "tray-menu-dark.png")
    finally:
        theme.apply_theme(qapp, "light")
