"""The window as a desktop citizen, in demo mode: tray menu and notifications, restore on restart,
accessible names and tab order, menus and shortcuts, live settings, files from the command line."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from pixverse_desktop.api.schemas import ExtendRequest
from pixverse_desktop.core.paths import log_dir
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.ui import shortcuts, shortcuts_dialog, theme
from pixverse_desktop.ui.about_dialog import AboutDialog
from pixverse_desktop.ui.settings_dialog import SettingsDialog
from pixverse_desktop.ui.tray import menu_texts

from .conftest import make_mp4, sim_config


def _done(w, ids) -> bool:
    return all((w.job_model.job(i) or Job(i, ExtendRequest(""))).state.is_final for i in ids)


def test_tray_menu_lists_running_jobs_and_notifies(start_app, aio):
    app = start_app(demo=True, sim_config=sim_config(generate_seconds=1.2))
    w, tray = app.window, app.window.tray
    tray.available = True                      # offscreen has no tray: pretend, and record the messages
    messages = []
    tray.tray.showMessage = lambda title, body, icon, ms: messages.append((title, body, icon))
    notified = []
    tray.notified.connect(lambda title, body: notified.append((title, body)))
    assert menu_texts(tray.menu) == ["No running jobs", "—", "Hide window", "Quit"]

    w.picker.select_row(0)
    w.form.prompt.setPlainText("A lantern drifts over the lake at dusk")
    w.form.variations.setValue(2)
    jobs = w.submit(w.form.request(), 2)
    aio.until(lambda: menu_texts(tray.menu)[0] == "Running jobs (2)", 5, "the menu to list the jobs")
    texts = menu_texts(tray.menu)
    assert len(tray.job_actions()) == 2
    assert all("A lantern drifts over the lake" in t for t in texts[1:3])
    w.jobs.select_job(jobs[1].id)
    tray.job_actions()[0].trigger()            # shows the window and selects that job's row
    assert w.jobs.selected_job().id == tray.job_actions()[0].data() == jobs[0].id

    w.showMinimized()                          # notifications come while minimized too
    aio.until(lambda: _done(w, [j.id for j in jobs]) and notified, 20, "the notification")
    aio.until(lambda: not tray._finished and not tray._timer.isActive(), 5, "merged notifications")
    assert messages and messages[0][0] in ("2 jobs finished", "Extension ready")
    assert notified[-1][0] in w.statusBar().currentMessage()   # the status bar gets the news as well
    aio.until(lambda: menu_texts(tray.menu)[0] == "No running jobs", 5, "the menu to empty")
    tray.show_window()
    assert not w.isMinimized()

    app.settings.set("notifications", False)   # Settings → notifications off: status bar only
    messages.clear()
    failing = Job("j-fail", ExtendRequest("a storm rolls in"), state=JobState.GENERATING)
    tray.job_changed(failing)
    tray.job_changed(failing.evolve(state=JobState.FAILED, message="The service refused the prompt"))
    aio.until(lambda: notified[-1][0] == "Extension failed", 5, "the failure notification")
    assert notified[-1][1] == "The service refused the prompt" and not messages
    assert "Extension failed" in w.statusBar().currentMessage()

    tray.toggle_window()
    assert not w.isVisible() and "Show window" in menu_texts(tray.menu)
    tray.toggle_window()
    assert w.isVisible() and "Hide window" in menu_texts(tray.menu)
    quits = []
    w.quitRequested.connect(lambda: quits.append(1))
    tray.quit_action.trigger()
    assert quits == [1]


def test_window_state_and_form_are_restored_on_restart(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    w.resize(760, 700)
    aio.sleep(0.05)
    w.top_splitter.setSizes([250, 200, 280])
    w.splitter.setSizes([420, 220])
    w.picker.select_row(2)
    key = w.form.source.key
    w.form.prompt.setPlainText("The fox turns towards the camera")
    w.form.negative.setPlainText("blur")
    w.form.duration.setCurrentIndex(w.form.duration.findData(8))
    w.form.quality.setCurrentIndex(w.form.quality.findData("360p"))
    w.form.style.setCurrentIndex(w.form.style.findData("anime"))
    w.form.seed_random.setChecked(False)
    w.form.seed.setText("4242")
    w.form.advanced.setChecked(True)
    w.form.reply_ref.setText("ref-7")
    w.form.variations.setValue(2)
    # saved a moment after the change (debounced), before any close
    aio.until(lambda: json.loads(app.settings.state("form") or "{}").get("reply_ref") == "ref-7", 5, "a save")
    sizes = (w.size(), w.top_splitter.sizes(), w.splitter.sizes())
    aio.run(app.stop())

    second = start_app(demo=True)              # same data dir, so the same settings file
    w2 = second.window
    aio.sleep(0.05)
    assert w2.size() == sizes[0]
    for restored, saved in ((w2.top_splitter.sizes(), sizes[1]), (w2.splitter.sizes(), sizes[2])):
        assert all(abs(a - b) <= 2 for a, b in zip(restored, saved)), (restored, saved)
    assert w2.form.source is not None and w2.form.source.key == key
    assert w2.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState   # no autoplay
    # ...but its first frame is shown, not a black screen until Play is pressed
    sink = w2.player.screen_main.video.videoSink()
    aio.until(lambda: not sink.videoFrame().toImage().isNull(), 10, "the source's first frame")
    assert w2.player.player.position() < 200
    assert w2.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    f = w2.form
    assert (f.prompt.toPlainText(), f.negative.toPlainText()) == ("The fox turns towards the camera", "blur")
    assert (f.duration.currentData(), f.quality.currentData(), f.style.currentData()) == (8, "360p", "anime")
    assert (f.seed_random.isChecked(), f.seed.text(), f.variations.value()) == (False, "4242", 2)
    assert f.advanced.isChecked() and f.reply_ref.text() == "ref-7"
    assert f.extend_button.isEnabled() and not f.message.isVisible()


def _focusable_without_name(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not root or widget.objectName().startswith("qt_"):
            continue   # other windows (popups), and Qt's inner parts (a spin box's line edit)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not widget.accessibleName().strip():
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            missing.append(f"{type(widget).__name__} {text!r} in {type(widget.parentWidget()).__name__}")
    return missing


def test_every_control_has_an_accessible_name_and_tab_follows_the_layout(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    assert _focusable_without_name(w) == []
    settings = SettingsDialog(app.settings, app.tokens, w, presets=w.presets)
    assert _focusable_without_name(settings) == []
    for dialog in (shortcuts_dialog.ShortcutsDialog(w), AboutDialog(w), settings):
        assert _focusable_without_name(dialog) == [] and dialog.accessibleName()
        dialog.deleteLater()

    w.picker.select_row(0)
    w.form.prompt.setPlainText("Ready to extend")    # so that Extend is enabled (disabled controls are skipped)
    w.activateWindow()
    w.picker.filter_edit.setFocus()
    aio.until(lambda: QApplication.focusWidget() is w.picker.filter_edit, 5, "the focus")
    visited = []
    while True:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is w.picker.filter_edit or len(visited) > 80:
            break
        visited.append(QApplication.focusWidget())
    groups = {"picker": w.picker, "form": w.form, "jobs": w.jobs, "player": w.player}

    def group(widget):
        if widget is w.form.extend_button:
            return "extend"
        return next((name for name, g in groups.items() if g.isAncestorOf(widget)), "other")

    order = [group(x) for x in visited]
    assert "other" not in order, order
    collapsed = [g for i, g in enumerate(order) if i == 0 or g != order[i - 1]]
    assert collapsed in (["picker", "form", "extend", "jobs", "player", "picker"],
                         ["picker", "form", "extend", "jobs", "player"]), collapsed
    assert w.form.prompt in visited and w.jobs.view in visited and w.player.play_button in visited


class _UrlSink(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_menus_and_keys_come_from_one_table(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles == ["&File", "&View", "&Extend", "&Player", "&Help"]
    by_name = {a.objectName(): a for a in w.findChildren(type(w.actions_by_name["quit"]))}
    for spec in shortcuts.SHORTCUTS:
        if spec.group in shortcuts.IN_DIALOGS:   # made by the dialog (test_presets_rename_in_settings_…)
            continue
        action = by_name.get("action_" + spec.name)
        assert action is not None, spec.name
        assert [k.toString() for k in action.shortcuts()] == [k.toString() for k in shortcuts.sequences(spec.name)]
    help_menu = w.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == \
        ["Keyboard shortcuts", "Open logs folder", "About PixVerse Desktop"]

    sink = _UrlSink()
    QDesktopServices.setUrlHandler("file", sink, "open")
    try:
        w.actions_by_name["open_logs"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in sink.urls] == [str(log_dir())]

    w.actions_by_name["shortcuts"].trigger()
    aio.until(lambda: "shortcuts" in w.dialogs.open, 5, "the shortcuts dialog")
    assert len(w.dialogs.open["shortcuts"].rows()) == len(shortcuts.SHORTCUTS)
    w.dialogs.open["shortcuts"].reject()
    w.actions_by_name["about"].trigger()
    aio.until(lambda: "about" in w.dialogs.open, 5, "the About box")
    w.dialogs.open["about"].reject()
    aio.until(lambda: not w.dialogs.open, 5)

    w.activateWindow()
    aio.until(lambda: QApplication.activeWindow() is w, 5, "the window to be active again")
    w.picker.filter_edit.setFocus()
    QTest.keyClick(w.picker.filter_edit, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)   # Go to the jobs
    assert QApplication.focusWidget() is w.jobs.view
    QTest.keyClick(w.jobs.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)        # Filter
    assert QApplication.focusWidget() is w.picker.filter_edit
    w.form.seed_random.setFocus()             # Space presses the focused check box, not play/pause
    before = w.form.seed_random.isChecked()
    toggles = []
    w.player.player.playbackStateChanged.connect(toggles.append)
    QTest.keyClick(w.form.seed_random, Qt.Key.Key_Space)
    assert w.form.seed_random.isChecked() != before and toggles == []
    QTest.keyClick(w.form.prompt, Qt.Key.Key_M)                                            # typing wins
    assert not w.player.audio.isMuted() and w.form.prompt.toPlainText().endswith("m")
    QTest.keyClick(w.jobs.view, Qt.Key.Key_M)   # the job and video lists leave letters to the player: mute
    assert w.player.audio.isMuted()             # (they had jumped to a row starting with the letter)
    w.picker.view.setFocus()                                 # and "]", which no list uses
    QTest.keyClick(w.picker.view, Qt.Key.Key_BracketRight)
    assert w.player.speed.currentData() > 1.0
    w.player.play_button.setFocus()
    QTest.keyClick(w.player.play_button, Qt.Key.Key_M)                                     # the player: unmute
    assert not w.player.audio.isMuted()


def test_settings_apply_live_and_files_from_the_command_line(start_app, aio, qapp, tmp_path):
    clip = make_mp4(tmp_path / "from the file manager.mp4")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    app = start_app(demo=True, files=[str(notes), str(clip)])
    w = app.window
    aio.run(app.uploads, 30)
    item = w.video_model.item(0)
    assert item.local_file == str(clip) and w.form.source == item

    app.settings.set("auto_download", False)
    w.open_settings()
    dialog = aio.until(lambda: w.dialogs.open.get("settings"), 5, "the settings dialog")
    library = tmp_path / "elsewhere"
    dialog.library.setText(str(library))
    dialog.auto_download.setChecked(True)
    dialog.poll_min.setValue(0.25)
    dialog.poll_max.setValue(5)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.default_duration.setCurrentIndex(dialog.default_duration.findData(8))
    dialog.default_quality.setCurrentIndex(dialog.default_quality.findData("360p"))
    w.form.prompt.setPlainText("kept as typed")
    try:
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128      # previewed live
        dialog.save_button.click()
        config = app.engine.config
        assert (config.poll_min_s, config.poll_max_s, config.auto_download) == (0.25, 5.0, True)
        assert config.library_dir == str(library) and str(app.engine.downloader.library_dir) == str(library)
        assert w.jobs.library_dir == str(library)
        assert app.theme.mode == "dark" and app.settings.get("theme") == "dark"
        # New defaults go into the form at once (they only came through Presets → Defaults); the rest stays.
        assert (w.form.request().duration, w.form.request().quality) == (8, "360p")
        assert w.form.prompt.toPlainText() == "kept as typed"
    finally:
        theme.apply_theme(qapp, "light")


def test_lists_keep_opaque_viewports_through_theme_changes(start_app, aio, qapp):
    """The picker and job table paint their own background (cheap repaints); the style sheet's
    polishing, at first show and on every theme change, would make them transparent again."""
    app = start_app(demo=True)
    views = [app.window.picker.view, app.window.jobs.view]

    def opaque(view):
        viewport = view.viewport()
        return (viewport.autoFillBackground()
                and not viewport.testAttribute(Qt.WidgetAttribute.WA_StyledBackground))

    assert all(opaque(v) for v in views)
    try:
        app.theme.set_mode("dark")
        assert all(opaque(v) for v in views)
        base = views[0].viewport().palette().color(QPalette.ColorRole.Base)
        assert base.lightness() < 128   # the background it fills follows the theme
    finally:
        theme.apply_theme(qapp, "light")
    # a list view without the helper is what the style sheet leaves: transparent
    from PySide6.QtWidgets import QListView

    plain = QListView(app.window)
    plain.show()
    qapp.processEvents()
    assert not opaque(plain)
    plain.deleteLater()


def test_recent_uploads_are_sources_again_after_a_restart(start_app, sim_thread, aio, tmp_path):
    """Nothing lost: a clip uploaded in one session is still a source in the next (same service path,
    not uploaded again); a file deleted since is left out; the demo, whose simulator starts empty,
    forgets them."""
    from .conftest import TOKEN

    th = sim_thread(sim_config())
    app = start_app(api_base=th.base_url, token=TOKEN)
    w = app.window
    kept, gone = make_mp4(tmp_path / "kept clip.mp4"), make_mp4(tmp_path / "gone.mp4")
    aio.run(w.upload_files([str(gone), str(kept)]), 60)
    kept_item = w.video_model.item(0)
    assert kept_item.local_file == str(kept) and w.form.source == kept_item
    aio.run(app.stop())
    gone.unlink()
    uploads_before = len(th.call(lambda: th.sim.api_requests("/files", "POST")))

    second = start_app(api_base=th.base_url, token=TOKEN)
    w2 = second.window
    restored = w2.video_model.uploads()
    assert [i.local_file for i in restored] == [str(kept)]
    assert restored[0].upload_path == kept_item.upload_path
    assert (restored[0].local_seconds, restored[0].local_size, restored[0].uploaded_at) == \
        (kept_item.local_seconds, (160, 96), kept_item.uploaded_at) and kept_item.local_seconds > 0
    assert w2.video_model.rowCount() > len(restored)   # and the service's videos below them, loaded too
    assert w2.form.source is not None and w2.form.source.key == kept_item.key   # the last source, too
    w2.form.prompt.setPlainText("Continue the uploaded shot")
    job = w2.submit(w2.form.request())[0]
    final = aio.run(second.engine.wait_final(job.id, 30), 35)
    assert final.state is JobState.COMPLETED and final.request.video_path == kept_item.upload_path
    assert len(th.call(lambda: th.sim.api_requests("/files", "POST"))) == uploads_before   # not re-uploaded
    aio.run(second.stop())

    demo = start_app(demo=True)   # the same settings file, in demo mode
    assert demo.window.video_model.uploads() == []
