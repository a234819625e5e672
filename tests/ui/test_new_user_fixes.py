"""Problems new users found: the first-run Cancel, token dialogs that clip their text, the Settings token
note, the picker's count, focus rings, tab order, Settings' fast-motion rule, small wording, a first
window larger than a laptop's screen, a source switched unasked, seeds, the demo's library and a silent
Open folder."""

from __future__ import annotations

import os

import keyring
from keyring.backends import fail
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from pixverse_desktop.api.errors import Unauthorized
from pixverse_desktop.api.validate import FAST_MOTION_RULE
from pixverse_desktop.app import AppOptions
from pixverse_desktop.core.paths import log_dir
from pixverse_desktop.storage.secrets import BackendInfo, MemoryTokenStore
from pixverse_desktop.storage.settings import Settings
from pixverse_desktop.ui import menus, theme
from pixverse_desktop.ui.account_banner import AccountBanner
from pixverse_desktop.ui.settings_dialog import SettingsDialog
from pixverse_desktop.ui.state_restore import first_run_size
from pixverse_desktop.ui.token_dialog import TokenDialog
from pixverse_desktop.ui.token_manager import TokenManager
from pixverse_desktop.ui.window_build import first_jobs_height

import pytest

from pixverse_desktop.api.schemas import Video

from .conftest import FAST_ENGINE, make_mp4, sim_config
from .test_token import _dialog, _start_async


@pytest.fixture
def light(qapp):
    yield theme.apply_theme(qapp, "light")


async def _refuse(_token: str) -> None:
    raise Unauthorized("refused")


def _manager(where: str = "") -> TokenManager:
    manager = TokenManager(MemoryTokenStore(None), _refuse)
    if where:
        manager.token, manager.where = "tok-123", where

    async def info() -> BackendInfo:
        return BackendInfo("SecretService", True, "the Secret Service keyring of this desktop session")
    manager.backend_info = info
    return manager


def test_cancel_on_first_run_is_not_a_rejected_token(qapp, aio, sim_thread, tmp_path, _isolated_dirs,
                                                     monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    th = sim_thread(sim_config())
    app, started = _start_async(qapp, AppOptions(api_base=th.base_url, data_dir=tmp_path / "data",
                                                 theme="light", engine_overrides=dict(FAST_ENGINE)))
    try:
        dialog = aio.until(lambda: _dialog(qapp), 15, "the token dialog")
        dialog.cancel_button.click()
        aio.until(started.done, 20, "the start-up")
        started.result()
        w = app.window
        aio.until(lambda: w.banner.isVisibleTo(w), 5, "the banner")
        aio.until(lambda: not w.video_model.loading, 5, "the list")
        aio.sleep(0.3)
        text = w.banner.message_text()
        assert w.banner.kind == "no_token" and "No API token yet" in text and "not accepted" not in text
        assert w.banner.action.text() == "Enter token…"
        assert "not accepted" not in w.picker.state_label.text()
        # Extend without a token asks for one; no job is made to fail with "not accepted"
        assert w.submit(w.form.request()) == [] and w.job_model.rowCount() == 0
        asked = aio.until(lambda: _dialog(qapp), 10, "the token dialog again")
        assert "nothing was sent" in w.statusBar().currentMessage()
        asked.cancel_button.click()
    finally:
        aio.run(app.stop())


def test_banner_says_a_refused_token_once(qtbot):
    banner = AccountBanner()
    qtbot.addWidget(banner)
    banner.show_problem("unauthorized", Unauthorized("x").user_message)
    assert banner.message_text().count("Enter a valid token") == 1


def test_token_dialog_error_fits_and_does_not_point_to_settings(qapp, qtbot, aio, light):
    for first_run, where in ((True, ""), (False, TokenManager.KEYRING)):
        dialog = TokenDialog(_manager(where), first_run=first_run)
        qtbot.addWidget(dialog)
        dialog.show()
        aio.until(lambda: dialog.backend_label.text(), 5, "the keyring note")
        dialog.edit.setText("wrong-token")
        dialog.save_button.click()
        aio.until(lambda: dialog._task is None and dialog.status.isVisible(), 5, "the check")
        assert "not accepted" in dialog.status.text() and "Settings" not in dialog.status.text()
        aio.sleep(0.1)
        labels = [dialog.intro, dialog.backend_label, dialog.status]
        for label in labels:   # each wrapped label gets the height its text needs
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        for upper, lower in zip(labels, labels[1:]):
            assert upper.geometry().bottom() < lower.geometry().top()
        assert dialog.status.geometry().bottom() < dialog.save_button.geometry().top()
        dialog.close()


def test_settings_token_note_follows_the_real_state(qapp, qtbot, aio, tmp_path):
    settings = Settings(tmp_path / "settings.ini")
    for where, says, forget in ((TokenManager.SESSION, "forgotten when the app closes", True),
                                (TokenManager.KEYRING, "OS keyring", True),
                                (TokenManager.FIXED, "not saved", False), ("", "No token is set", False)):
        dialog = SettingsDialog(settings, _manager(where))
        qtbot.addWidget(dialog)
        assert says in dialog.token_note.text()
        assert "--token" not in dialog.token_note.text()   # the app has no such option
        if where == TokenManager.SESSION:
            assert "keyring" not in dialog.token_note.text()
        assert dialog.forget_button.isEnabled() is forget
    session = TokenDialog(_manager(TokenManager.SESSION), first_run=False)
    saved = TokenDialog(_manager(TokenManager.KEYRING), first_run=False)
    qtbot.addWidget(session)
    qtbot.addWidget(saved)
    assert session.forget_button.isHidden() and not saved.forget_button.isHidden()


def test_settings_asks_before_forgetting_the_token(qapp, qtbot, aio, tmp_path):
    """One click on Forget deleted the token from the keyring, and Cancel did not bring it back."""
    manager = _manager(TokenManager.KEYRING)
    forgotten = []

    async def forget() -> None:
        forgotten.append(True)
        manager.token, manager.where = None, ""
    manager.forget = forget
    dialog = SettingsDialog(Settings(tmp_path / "settings.ini"), manager)
    qtbot.addWidget(dialog)
    dialog.forget_button.click()
    box = dialog.forget_box
    assert box.isVisible() and "keyring" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    aio.sleep(0.1)
    assert not forgotten and manager.token == "tok-123"
    dialog.forget_button.click()
    next(b for b in dialog.forget_box.buttons() if b.text() == "Forget").click()
    aio.until(lambda: forgotten, 5, "the token forgotten")
    assert "No token is set" in dialog.token_note.text()


def test_settings_refuses_fast_motion_with_8_seconds(qapp, qtbot, aio, tmp_path):
    dialog = SettingsDialog(Settings(tmp_path / "settings.ini"), _manager(TokenManager.KEYRING))
    qtbot.addWidget(dialog)
    dialog.default_duration.setCurrentIndex(dialog.default_duration.findData(8))
    dialog.default_motion.setCurrentIndex(dialog.default_motion.findData("fast"))
    assert not dialog.save_button.isEnabled()
    assert FAST_MOTION_RULE in dialog.motion_error.text() and not dialog.motion_error.isHidden()
    dialog.default_duration.setCurrentIndex(dialog.default_duration.findData(5))
    assert dialog.save_button.isEnabled() and dialog.motion_error.isHidden()


def test_picker_count_follows_the_filter(start_app, aio):
    w = start_app(demo=True).window
    picker = w.picker
    aio.until(lambda: picker.state_label.text() == "4 videos", 5, "the count")
    picker.filter_edit.setText("zzz-nothing-matches")
    assert picker.state_label.text() == "0 of 4 videos" and not picker.empty_label.isHidden()
    picker.filter_edit.clear()
    assert picker.state_label.text() == "4 videos" and picker.empty_label.isHidden()
    w.video_model.upsert_video(Video(video_id="new-1", status_code=1, status_name="COMPLETED",
                                     status_final=True, prompt="a new one"))   # the list grows
    assert picker.state_label.text() == "5 videos"


def test_focus_ring_and_tab_order(start_app, aio):
    sheet = theme._style_sheet(theme.current_colors())
    assert "QPushButton:focus" in sheet and "QToolButton:focus" in sheet and "QListView:focus" in sheet
    w = start_app(demo=True).window
    w.activateWindow()
    w.player.volume.setFocus()
    aio.until(lambda: QApplication.focusWidget() is w.player.volume, 5, "the focus")
    seen = []
    for _ in range(10):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is w.picker.filter_edit:
            break
    assert seen[-1] is w.picker.filter_edit and w.picker.refresh_button in seen


def test_wording_tooltips_and_logs_folder(start_app, aio, monkeypatch):
    w = start_app(demo=True).window
    assert w.jobs.actions_by_name["retry"].toolTip() == "Send this failed job's request again as a new job"
    assert w.jobs.actions_by_name["rerun"].toolTip() == "Start a new job with exactly the same settings"
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    assert menus.show_logs_folder(w) is False
    box = aio.until(lambda: w.findChild(QMessageBox, "LogsFolderBox"), 5, "the message box")
    assert str(log_dir()) in box.informativeText()
    box.close()


class _Screen:
    def __init__(self, width: int, height: int) -> None:
        self.free = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:
        return self.free


def test_the_first_window_fits_its_screen():
    """1480x920 hung off a 1366x768 laptop screen, and window managers do not shrink it."""
    assert first_run_size(_Screen(1920, 1040)) == QSize(1480, 920)        # roomy: as designed
    assert first_run_size(_Screen(1366, 740)) == QSize(1256, 680)         # a laptop, panel taken off
    assert first_run_size(None) == QSize(1480, 920)
    # and the job list gives up height first: the form above keeps ~550 px
    assert (first_jobs_height(920), first_jobs_height(680), first_jobs_height(500)) == (280, 200, 200)
    assert first_jobs_height(760) == 210


def test_the_keyboard_shortcuts_dialog_fits_a_laptop_screen(qapp, monkeypatch):
    """Its 720 px were clipped on a 768 px screen under a panel (new-user pass); the list scrolls."""
    from pixverse_desktop.ui.shortcuts_dialog import ShortcutsDialog

    monkeypatch.setattr(ShortcutsDialog, "screen", lambda self: _Screen(1366, 738))
    dialog = ShortcutsDialog()
    assert (dialog.width(), dialog.height()) == (560, int(738 * 0.92))
    dialog.deleteLater()


def test_a_first_run_window_is_no_taller_than_the_screen(start_app, aio):
    app = start_app(demo=True)   # a fresh data dir: nothing saved, a first run (offscreen: an 800x800 screen)
    w = app.window
    free = w.screen().availableGeometry()
    assert w.height() <= free.height() * 0.92 + 1
    assert w.width() == max(w.minimumWidth(), int(free.width() * 0.92))   # the minimum wins here
    top, jobs = w.splitter.sizes()
    assert top > jobs and jobs >= 200
    view = w.jobs.view   # two whole rows in sight under the column headers
    assert view.viewport().height() >= 2 * view.verticalHeader().defaultSectionSize()


def test_the_demo_says_its_jobs_do_not_outlive_it(start_app):
    """A new user extended clips in the demo, restarted it and found the job list empty, unwarned."""
    w = start_app(demo=True).window
    assert "start afresh at every launch" in w.status_label.text()
    assert w.status_label.isVisible()


def test_the_source_changes_only_when_the_person_picks_one(start_app, aio):
    """A filter dropped the chosen video's highlight, and giving the list the focus (Alt+1) then made
    the first video current, which switched the form's source to it unasked."""
    w = start_app(demo=True).window
    w.activateWindow()
    aio.until(lambda: w.video_model.rowCount() >= 3, 10, "videos")
    w.picker.view.clearFocus()
    w.actions_by_name["focus_videos"].trigger()             # Alt+1 on a fresh list: no source chosen
    aio.until(lambda: w.picker.view.hasFocus(), 5, "the list's focus")
    assert w.form.source is None
    w.picker.select_row(2)
    chosen = w.form.source.key
    w.form.prompt.setFocus()
    w.picker.filter_edit.setText("no video has this text")   # hides every video, the chosen one too
    assert w.picker.proxy.rowCount() == 0 and w.form.source.key == chosen
    w.picker.filter_edit.clear()
    # A filter that hides the chosen one but not the others, typed letter by letter: Qt moved the
    # selection to a neighbour, and that became the source.
    other = next(w.video_model.item(r).video.prompt.split()[1] for r in range(w.video_model.rowCount())
                 if w.video_model.item(r).key != chosen)
    for letter in other:
        QTest.keyClick(w.picker.filter_edit, letter)
    assert 0 < w.picker.proxy.rowCount() < w.video_model.rowCount()
    assert w.form.source.key == chosen and not w.picker.view.selectionModel().hasSelection()
    w.picker.filter_edit.clear()
    selected = w.picker.view.selectionModel().selectedIndexes()
    assert [i.data(w.video_model.KeyRole) for i in selected] == [chosen]   # highlighted again
    w.actions_by_name["focus_videos"].trigger()
    aio.until(lambda: w.picker.view.hasFocus(), 5, "the list's focus")
    assert w.form.source.key == chosen
    QTest.keyClick(w.picker.view, Qt.Key.Key_Right)          # arrows still pick: a choice of the person's
    assert w.form.source.key != chosen


def test_seeds_are_what_the_person_typed(start_app):
    """"4_2" and "+42" were read as 42; an empty fixed seed sent a random one; three variations of a
    fixed seed 42 went out with three random seeds; the long-prompt reason did not name its field."""
    w = start_app(demo=True).window
    f = w.form
    w.picker.select_row(0)
    f.prompt.setPlainText("The lantern rises")
    f.seed_random.setChecked(False)
    for typed in ("4_2", "+42", "4 2", "٤٢", "-1"):
        f.seed.setText(typed)
        assert not f.validate() and f.request().seed == -1, typed
        assert "Seed must be a whole number" in f.reason.text()
    f.seed.setText("")
    assert not f.validate() and f.reason.text() == "Can't extend yet: Enter a seed, or tick Random."
    f.seed.setText(" 42 ")
    assert f.validate() and f.request().seed == 42
    jobs = w.submit(f.request(), 3)
    assert [j.request.seed for j in jobs] == [42, 43, 44]
    f.seed_random.setChecked(True)
    assert len({j.request.seed for j in w.submit(f.request(), 3)}) == 3   # random ones, all different
    f.prompt.setPlainText("x" * 2100)
    assert not f.validate() and f.reason.text().startswith("Can't extend yet: Prompt: at most 2048")


def test_demo_settings_show_the_library_its_results_go_to(start_app, qtbot, tmp_path):
    """Settings showed the platform's default library while the demo saved into its data folder."""
    app = start_app(demo=True)
    library = str(app.data_dir / "library")
    assert app.engine.config.library_dir == library == app.window.jobs.library_dir
    dialog = SettingsDialog(app.settings, app.tokens)
    qtbot.addWidget(dialog)
    assert dialog.library.text() == library


def test_open_folder_says_where_the_folder_is_when_nothing_opens_it(start_app, monkeypatch):
    """Without a file manager, Open folder did nothing at all (a Qt warning on stderr only)."""
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or False))
    w = start_app(demo=True).window
    library = w.jobs.library_dir
    w.jobs.open_folder()                       # no job selected: the library, made if missing
    assert [u.toLocalFile() for u in opened] == [library] and os.path.isdir(library)
    assert w.statusBar().currentMessage() == f"No file manager could open the folder. It is {library}"


def test_a_preset_cannot_take_the_name_of_the_defaults_entry(qapp, qtbot, tmp_path):
    """Saved as "Defaults", a preset was listed as a second, identical-looking "Defaults"."""
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QWidget

    from pixverse_desktop.ui.presets import PresetStore, ask_preset_name

    store = PresetStore(Settings(tmp_path / "settings.ini"))
    with pytest.raises(ValueError):
        store.save(" defaults ", {"duration": 8})
    parent = QWidget()
    qtbot.addWidget(parent)
    named = []
    dialog = ask_preset_name(parent, "Defaults", named.append)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "built-in entry" in dialog.labelText()
    dialog.findChild(QLineEdit).setText("Anime 8s")
    assert ok.isEnabled() and "built-in" not in dialog.labelText()
    ok.click()
    assert named == ["Anime 8s"] and store.names() == []


def test_a_paired_field_s_error_spans_the_row_and_the_extend_row_stays_put(start_app, aio):
    """The fast-motion error wrapped into three clipped lines in its half-width column and pushed the
    Style box out of line; the Extend row jumped as the reason under it went from one line to two."""
    w = start_app(demo=True).window
    f = w.form
    w.picker.select_row(0)
    f.prompt.setPlainText("x")
    aio.sleep(0.05)
    button_y = f.extend_button.mapTo(f, f.extend_button.rect().topLeft()).y()
    f.duration.setCurrentIndex(f.duration.findData(8))
    f.motion.setCurrentIndex(f.motion.findData("fast"))
    aio.sleep(0.05)
    error = f._errors["motion_mode"]
    assert error.isVisible() and "Fast motion" in error.text()
    assert f.motion.mapTo(f, f.motion.rect().topLeft()).y() == f.style.mapTo(f, f.style.rect().topLeft()).y()
    assert error.width() >= f.motion.width() + f.style.width()             # the whole row, not half
    assert error.height() >= error.heightForWidth(error.width())           # not clipped
    assert f.extend_button.mapTo(f, f.extend_button.rect().topLeft()).y() == button_y


def test_a_file_that_is_no_video_is_not_uploaded_and_that_is_said_plainly(start_app, aio, tmp_path):
    """A text file named .mp4 was sent, and refused in words about "settings", in muted grey."""
    app = start_app(demo=True)
    w = app.window
    fake = tmp_path / "holiday.mp4"
    fake.write_text("not a video at all")
    sent = []
    real = w.picker.uploader
    w.picker.uploader = lambda *a, **kw: sent.append(a) or real(*a, **kw)
    aio.run(w.picker.upload(str(fake)))
    label = w.picker.state_label
    assert sent == [] and label.text() == "holiday.mp4 is not a video this app can read; nothing was uploaded."
    assert "e5484d" in label.styleSheet()                          # in the error colour
    assert w.video_model.item(0).video is not None                 # nothing added
    w.picker._error_timer.setInterval(50)                          # for a while only: then the count
    aio.until(lambda: label.text().endswith("videos") and not label.styleSheet(), 5, "the count again")


def test_an_upload_the_service_refuses_is_worded_as_an_upload(start_app, aio, tmp_path, monkeypatch):
    from pixverse_desktop.api.errors import BadRequest

    w = start_app(demo=True).window
    clip = make_mp4(tmp_path / "clip.mp4")

    async def refuse(*_args, **_kw):
        raise BadRequest("The uploaded file is not a readable video/mp4 video")

    w.picker.uploader = refuse
    aio.run(w.picker.upload(str(clip)))
    assert w.picker.state_label.text() == \
        "The service did not accept clip.mp4: The uploaded file is not a readable video/mp4 video"
    assert "settings" not in w.picker.state_label.text()


def test_a_video_sent_with_another_account_is_pointed_out(start_app, aio):
    """A video of one account extended with another one chosen went out unremarked."""
    from pixverse_desktop.simulator import AccountConfig

    config = sim_config([AccountConfig("studio@example.com"), AccountConfig("backup@example.com")])
    w = start_app(demo=True, sim_config=config).window
    f = w.form
    aio.until(lambda: w.video_model.rowCount() and f.account.count() == 3, 10, "videos and accounts")
    w.picker.select_row(0)
    owner = f.source.video.video_id.split("-pixverse:")[1].split("-video:")[0]
    other = next(f.account.itemData(i) for i in range(1, 3) if f.account.itemData(i) != owner)
    f.account.setCurrentIndex(f.account.findData(other))
    assert f.account_note.isVisible()
    assert f.account_note.text() == f"This video belongs to {owner}; {other} may not be able to extend it."
    f.prompt.setPlainText("x")
    assert f.validate()                              # a note, not an error: it may still be sent
    f.account.setCurrentIndex(f.account.findData(owner))
    assert not f.account_note.isVisible()
    f.account.setCurrentIndex(0)                     # any account: the service picks
    assert not f.account_note.isVisible()


def test_the_first_run_token_dialog_points_to_the_demo(qapp, qtbot, aio):
    """A first launch without a token offered no way to try the app first."""
    first = TokenDialog(_manager(""), first_run=True)
    later = TokenDialog(_manager(TokenManager.KEYRING), first_run=False)
    qtbot.addWidget(first)
    qtbot.addWidget(later)
    assert "pixverse-desktop --demo" in first.intro.text() and "--demo" not in later.intro.text()
    first.show()
    qtbot.waitExposed(first)
    assert first.intro.height() >= first.intro.heightForWidth(first.intro.width())   # not clipped


def test_add_video_opens_in_the_videos_folder_then_where_the_last_one_was(start_app, aio, tmp_path):
    """The file dialog opened in the app's working folder (and as a nested, blocking loop)."""
    from PySide6.QtCore import QStandardPaths

    w = start_app(demo=True).window
    dialog = w.picker.choose_file()
    videos = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    assert dialog.isVisible() and dialog.directory().absolutePath() in (videos, os.path.expanduser("~"))
    folder = tmp_path / "clips"
    folder.mkdir()
    clip = make_mp4(folder / "one.mp4")
    dialog.fileSelected.emit(str(clip))             # as picking it does
    dialog.close()
    aio.until(lambda: w.picker.upload_task is None and w.video_model.item(0).upload_path, 20, "the upload")
    again = w.picker.choose_file()
    assert again.directory().absolutePath() == str(folder)
    again.close()


def test_the_player_has_keys_for_compare_speed_and_seeking(start_app, aio, tmp_path):
    """There was no key (nor menu item) for A | B, the speed or seeking."""
    w = start_app(demo=True).window
    player = w.player
    player.load(str(make_mp4(tmp_path / "result.mp4", seconds=3.0)), compare_with=str(make_mp4(tmp_path / "s.mp4")),
                autoplay=False)
    aio.until(lambda: player.player.duration() > 0, 10, "the clip")
    w.activateWindow()
    w.form.prompt.setFocus()
    QTest.keyClick(w.form.prompt, Qt.Key.Key_C)             # typed into the prompt, not a shortcut
    assert w.form.prompt.toPlainText() == "c" and not player.compare_button.isChecked()
    w.player.play_button.setFocus()
    for key, check in ((Qt.Key.Key_C, lambda: player.compare_button.isChecked()),
                       (Qt.Key.Key_BracketRight, lambda: player.speed.currentData() == 1.5),
                       (Qt.Key.Key_BracketLeft, lambda: player.speed.currentData() == 1.0)):
        QTest.keyClick(w.player.play_button, key)
        aio.until(check, 5, f"key {key}")
    QTest.keyClick(w.player.play_button, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    aio.until(lambda: player.player.position() == 1000, 5, "a second forward")
    QTest.keyClick(w.player.play_button, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    aio.until(lambda: player.player.position() == 0, 5, "a second back")
    player_menu = w.menuBar().actions()[3].menu()
    assert {"Compare with the source (A | B) on / off", "Slower", "Faster", "Forward 1 second"} <= \
        {a.text() for a in player_menu.actions()}


def test_the_wheel_scrolls_the_form_and_alt_2_brings_the_prompt_back(start_app, aio):
    """Wheeling down the form changed Length from 5 to 8 s and switched the Account; Alt+2 put the
    cursor into the prompt while the form stayed scrolled down, so the typing went out of sight."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    w = start_app(demo=True).window
    f = w.form
    w.resize(1200, 560)                                   # short: the form scrolls
    aio.sleep(0.1)
    bar = f.fields_area.verticalScrollBar()
    assert bar.maximum() > 0
    duration = f.duration.currentData()

    def wheel(widget) -> bool:
        """A wheel notch down over ``widget``; whether it took it. (Qt passes a real wheel event a
        widget leaves to its parents, the scroll area here; a synthesized one goes nowhere else.)"""
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)
        return event.isAccepted()

    f.prompt.setFocus()
    for box in (f.duration, f.account, f.effect, f.max_jobs):   # the pointer over a box without the focus
        assert not wheel(box), box.accessibleName()
    assert f.duration.currentData() == duration
    assert wheel(f.fields_area.viewport()) and bar.value() > 0   # ...goes on to the form, which scrolls
    f.duration.setFocus()
    assert wheel(f.duration) and f.duration.currentData() != duration   # clicked into: the box takes it
    bar.setValue(bar.maximum())
    w.actions_by_name["focus_form"].trigger()             # Alt+2
    aio.until(lambda: f.prompt.hasFocus(), 5, "the prompt's focus")
    top = f.prompt.mapTo(f.fields_area.widget(), QPoint(0, 0)).y()
    assert bar.value() <= top                             # scrolled back up to it


def test_settings_refuse_a_library_folder_that_cannot_be_made(qapp, qtbot, aio, tmp_path):
    """/proc/nope/lib was accepted; every finished job then failed to save."""
    settings = Settings(tmp_path / "settings.ini")
    before = settings.get("library_dir")
    dialog = SettingsDialog(settings, _manager(""))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.library.setText("/proc/nope/lib")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.library_error.isVisible()
    assert dialog.library_error.text().startswith("This folder cannot be made")
    assert settings.get("library_dir") == before
    wanted = tmp_path / "videos" / "pixverse"
    dialog.library.setText(str(wanted))
    assert not dialog.library_error.isVisible()
    dialog.save_button.click()
    assert not dialog.isVisible() and settings.get("library_dir") == str(wanted) and wanted.is_dir()


def test_the_token_dialog_says_enter_when_there_is_no_token_to_replace(qapp, qtbot, aio):
    empty = TokenDialog(_manager(""), first_run=False)
    qtbot.addWidget(empty)
    texts = [label.text() for label in empty.findChildren(type(empty.intro))]
    assert "Enter your API token" in texts and "Replace the API token" not in texts


def test_extend_with_an_error_below_the_fold_scrolls_to_it(start_app, aio):
    """The seed error sat under the visible part of the form; only the reason line said it."""
    w = start_app(demo=True).window
    f = w.form
    w.resize(1200, 560)
    aio.sleep(0.1)
    w.picker.select_row(0)
    f.prompt.setPlainText("x")
    f.seed_random.setChecked(False)
    f.seed.setText("4_2")
    bar = f.fields_area.verticalScrollBar()
    bar.setValue(0)
    f.trigger_extend()
    error = f._errors["seed"]
    top = error.mapTo(f.fields_area.widget(), error.rect().topLeft()).y()
    viewport = f.fields_area.viewport().height()
    assert error.isVisibleTo(f) and bar.value() <= top and top + error.height() <= bar.value() + viewport


def test_a_removed_job_is_said_and_comes_back_with_ctrl_z(start_app, aio):
    """Delete took a job off the list without a word, and there was no way back."""
    w = start_app(demo=True).window
    w.picker.select_row(0)
    w.form.prompt.setPlainText("The lantern drifts away over the water")
    job = w.submit(w.form.request())[0]
    aio.until(lambda: w.job_model.row_of(job.id) >= 0, 5, "the row")
    w.activateWindow()
    w.jobs.select_job(job.id)
    w.jobs.view.setFocus()
    aio.until(lambda: w.jobs.view.hasFocus(), 5, "the job list's focus")
    QTest.keyClick(w.jobs.view, Qt.Key.Key_Delete)
    aio.until(lambda: w.job_model.row_of(job.id) < 0, 5, "the row to go")
    assert w.statusBar().currentMessage() == \
        "Removed “The lantern drifts away over the water” from the list. Ctrl+Z brings it back."
    QTest.keyClick(w.jobs.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    aio.until(lambda: w.job_model.row_of(job.id) >= 0, 5, "the row back")
    assert w.jobs.selected_job().id == job.id and not w.job_model.job(job.id).hidden
    assert w.statusBar().currentMessage() == "The job is back in the list."


def test_the_demo_notice_ends_in_an_ellipsis_where_it_has_no_room(start_app, aio):
    """It was cut mid-letter ("…no credits spent. Demc") in a window tiled to half a screen."""
    w = start_app(demo=True).window
    label = w.status_label
    assert label.toolTip() == label.text() and "Demo mode" in label.text()
    w.resize(800, 700)
    aio.until(lambda: label.elided_text().endswith("…"), 5, "the notice shortened")
    assert label.elided_text()[:-1] in label.text()
    assert label.minimumSizeHint().width() < 200   # it never holds the window wide
