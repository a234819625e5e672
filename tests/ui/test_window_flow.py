"""The window end to end in demo mode: pick, fill, Extend, watch the row complete, play the result."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest
from keyring.backend import KeyringBackend

from pixverse_desktop.jobs.models import JobState
from pixverse_desktop.ui.video_list_model import VideoListModel

from .conftest import make_mp4


def _row_state(window, job_id):
    job = window.job_model.job(job_id)
    return job.state if job else None


def test_demo_extend_completes_and_plays(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    assert "Demo" in w.windowTitle()
    assert w.video_model.rowCount() == 4          # the simulator's sample videos, in the picker

    w.picker.select_row(0)
    source = w.form.source
    assert source is not None and source.video is not None
    assert w.player.current_source == source.video.url

    assert not w.form.extend_button.isEnabled()   # no prompt yet: the reason is shown
    assert "prompt" in w.form.reason.text().lower()
    w.form.prompt.setFocus()
    QTest.keyClicks(w.form.prompt, "The camera rises over the valley")
    assert w.form.extend_button.isEnabled()
    QTest.keyClick(w.form.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # Ctrl+Enter

    assert w.job_model.rowCount() == 1
    job = w.job_model.job_at(0)
    assert job.request.video_id == source.video.video_id
    done = aio.until(lambda: _row_state(w, job.id) is JobState.COMPLETED, 20, "the job row to complete")
    assert done
    row = w.job_model.row_of(job.id)
    assert w.job_model.index(row, 3).data() == "Completed"
    assert w.job_model.index(row, 5).data() == "100%"

    w.jobs.select_job(job.id)
    assert w.jobs.actions_by_name["play"].isEnabled()
    w.jobs.actions_by_name["play"].trigger()
    player = w.player.player
    aio.until(lambda: player.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                               QMediaPlayer.MediaStatus.BufferedMedia,
                                               QMediaPlayer.MediaStatus.EndOfMedia), 20, "the result to load")
    aio.until(lambda: player.duration() > 0, 10, "a duration")
    assert not w.player.error_text
    assert w.player.compare_button.isEnabled()    # A | B against the source
    w.player.compare_button.setChecked(True)
    assert w.player.screen_source.isVisibleTo(w.player)

    # the finished result shows up in the picker, and "Extend again" chains from it
    completed = w.job_model.job(job.id)
    assert w.video_model.find(completed.video_id) is not None
    tile = w.video_model.index(w.video_model.row_of(completed.video_id)).data(w.video_model.TileRole)
    assert " · " in tile.meta   # the resolution and the date it was made (no date until a refresh before)
    w.jobs.actions_by_name["extend_again"].trigger()
    assert w.form.source.key == completed.video_id
    assert w.form.request().video_id == completed.video_id


def test_variations_rerun_retry_remove(start_app, aio):
    app = start_app(demo=True)
    w = app.window
    w.picker.select_row(1)
    w.form.prompt.setPlainText("Leaves drift past the lens")
    w.form.variations.setValue(3)
    assert w.form.extend_button.text() == "Extend ×3"
    w.form.extend_button.click()
    assert w.job_model.rowCount() == 3
    seeds = {w.job_model.job_at(r).request.seed for r in range(3)}
    assert len(seeds) == 3 and None not in seeds
    ids = [w.job_model.job_at(r).id for r in range(3)]
    aio.until(lambda: all(_row_state(w, i) is JobState.COMPLETED for i in ids), 30, "three variations")

    w.jobs.select_job(ids[0])
    w.jobs.actions_by_name["rerun"].trigger()
    assert w.job_model.rowCount() == 4
    rerun = w.job_model.job_at(3)
    assert rerun.request == w.job_model.job(ids[0]).request and rerun.parent_id == ids[0]
    assert not w.jobs.actions_by_name["retry"].isEnabled()   # nothing failed

    w.jobs.select_job(ids[1])
    w.jobs.view.setFocus()
    QTest.keyClick(w.jobs.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)   # keys for the row actions
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == w.job_model.job(ids[1]).video_id
    QTest.keyClick(w.jobs.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.job_model.rowCount() == 5 and w.job_model.job_at(4).parent_id == ids[1]
    w.jobs.select_job(ids[1])
    w.jobs.actions_by_name["remove"].trigger()
    assert w.job_model.row_of(ids[1]) == -1
    assert w.job_model.rowCount() == 4
    aio.until(lambda: _row_state(w, rerun.id) is JobState.COMPLETED, 20, "the re-run")


def test_save_as_downloads_then_copies(start_app, aio, tmp_path):
    app = start_app(demo=True)
    w = app.window
    w.picker.select_row(0)
    w.form.prompt.setPlainText("A slow zoom into the clouds")
    job = w.submit(w.form.request())[0]
    aio.until(lambda: _row_state(w, job.id) is JobState.COMPLETED, 20, "completion")
    w.jobs.select_job(job.id)
    # Asked where: in the library, under the library's name for it (it offered the app's working folder
    # and the job id); the dialog is opened, not run in a loop of its own.
    w.jobs.save_as()
    dialog = w.jobs._save_dialog
    offered = Path(dialog.selectedFiles()[0])
    assert dialog.isVisible() and str(offered.parent) == w.jobs.library_dir
    assert offered.name.startswith("a-slow-zoom-into-the-clouds") and offered.suffix == ".mp4"
    w.jobs.view.clearSelection()                       # whatever is selected when the answer comes
    target = tmp_path / "saved.mp4"
    dialog.fileSelected.emit(str(target))
    dialog.close()
    aio.until(lambda: target.exists() and target.stat().st_size > 1000, 20, "the saved file")
    assert w.job_model.job(job.id).local_path
    # the downloaded file plays from disk too
    w.jobs.select_job(job.id)
    w.jobs.actions_by_name["play"].trigger()
    assert w.player.current_source == w.job_model.job(job.id).local_path


def test_upload_local_video_becomes_source(start_app, aio, tmp_path):
    app = start_app(demo=True)
    w = app.window
    clip = make_mp4(tmp_path / "my clip.mp4")
    task = w.picker.upload(str(clip))
    assert w.picker.upload_bar.isVisible() and w.picker.cancel_button.isVisible()
    aio.run(task)
    aio.until(lambda: not w.picker.upload_bar.isVisible(), 5, "the progress bar to go")
    item = w.video_model.item(0)
    assert item.upload_path and item.local_file == str(clip)
    assert item.thumbnail and w.form.source == item
    tile = w.video_model.data(w.video_model.index(0), VideoListModel.TileRole)   # its card says what it is
    assert (tile.label, tile.duration) == ("UPLOADED", "1s") and tile.meta.startswith("160×96 · 20")
    assert w.form.request().video_path == item.upload_path and w.form.request().video_id is None
    assert w.player.current_source == str(clip)
    w.form.prompt.setPlainText("Continue the shot")
    job = w.submit(w.form.request())[0]
    aio.until(lambda: _row_state(w, job.id) is JobState.COMPLETED, 20, "the upload's extension")


def test_upload_cancel_and_drop(start_app, aio, tmp_path):
    app = start_app(demo=True)
    w = app.window
    clip = make_mp4(tmp_path / "dropped.mp4")
    task = w.picker.upload(str(clip))
    w.picker.cancel_button.click()
    aio.run(_settle(task))
    assert task.cancelled()
    # The picker hears of the cancel through the task's done callback, which may run a loop turn after
    # the test's own wait on the task has returned.
    aio.until(lambda: "cancelled" in w.picker.state_label.text(), 5, "the cancel to be shown")
    assert not w.picker.upload_bar.isVisible() and w.picker.upload_task is None
    assert w.video_model.item(0).video is not None          # nothing was added

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    w.dropEvent(drop)
    aio.until(lambda: w.video_model.item(0).upload_path, 20, "the dropped file's upload")

    not_video = QMimeData()
    not_video.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert w._dropped_video(not_video) == ""


async def _settle(task):
    try:
        await task
    except BaseException:
        pass


def test_filters_and_account_switch(start_app, aio):
    from pixverse_desktop.simulator import AccountConfig

    from .conftest import sim_config

    config = sim_config([AccountConfig("one@example.com", max_jobs=2), AccountConfig("two@example.com")])
    app = start_app(demo=True, sim_config=config)
    w = app.window
    assert w.picker.account_box.isVisibleTo(w.picker) and w.picker.account_box.count() == 2
    assert w.video_model.email == "one@example.com"
    first = {w.video_model.item(r).key for r in range(w.video_model.rowCount())}
    w.picker.account_box.setCurrentIndex(1)
    aio.run(w.video_model.wait_idle())
    assert w.video_model.email == "two@example.com"
    second = {w.video_model.item(r).key for r in range(w.video_model.rowCount())}
    assert second and not first & second
    prompt = w.video_model.item(0).video.prompt
    w.picker.filter_edit.setText(prompt[:12])
    assert 1 <= w.picker.proxy.rowCount() < w.video_model.rowCount()
    w.picker.status_box.setCurrentIndex(w.picker.status_box.findData("FAILED"))
    assert w.picker.proxy.rowCount() == 0
    assert set(w.form.account.itemData(i) for i in range(w.form.account.count())) == \
        {None, "one@example.com", "two@example.com"}


def test_in_a_half_screen_window_the_player_sits_above_the_form(start_app, aio):
    """Side by side, the videos, player and form need ~1100 px, more than half of a 1920 px screen
    (a window tiled beside a browser; new-user pass): narrower, the player goes above the form, and
    back beside it once the window is wide enough; the video list gives up its width first."""
    w = start_app(demo=True).window
    w.resize(1480, 900)
    aio.until(lambda: w.width() == 1480, 5, "a wide window")
    assert w.right_splitter.orientation() == Qt.Orientation.Horizontal
    w.top_splitter.setSizes([480, 1000])
    picker_wide = w.top_splitter.sizes()[0]
    w.resize(1150, 900)
    aio.until(lambda: w.width() == 1150, 5, "a narrower window")
    assert w.right_splitter.orientation() == Qt.Orientation.Horizontal   # the list narrowed instead
    assert w.top_splitter.sizes()[0] < picker_wide
    assert w.minimumWidth() <= 960
    w.resize(960, 900)
    aio.until(lambda: w.width() == 960, 5, "half of a 1920 px screen")
    assert w.right_splitter.orientation() == Qt.Orientation.Vertical
    for panel in (w.player, w.form, w.picker):                 # each keeps its minimum, nothing cut off
        assert panel.width() >= panel.minimumSizeHint().width() and panel.height() > 100, panel
    assert w.player.mapTo(w, QPoint(0, w.player.height())).y() <= w.form.mapTo(w, QPoint(0, 0)).y()   # above
    view = w.jobs.view                                      # every job column in sight, message included
    aio.until(lambda: view.horizontalHeader().length() <= view.viewport().width(), 5, "the job columns fitted")
    w.resize(1480, 900)
    aio.until(lambda: w.right_splitter.orientation() == Qt.Orientation.Horizontal, 5, "side by side again")
    aio.until(lambda: abs(w.top_splitter.sizes()[0] - picker_wide) <= 2, 5, "the list's width given back")


def test_the_player_can_be_hidden_and_comes_back_to_play(start_app, aio):
    """View → Show the player (Ctrl+Shift+P): hidden, the form has the room, the player is paused, and
    the choice is remembered; playing a result or any player key brings it back, with room, although
    the layout was saved without it (the splitter saves a hidden panel at width 0)."""
    app = start_app(demo=True)
    w = app.window
    action = w.actions_by_name["show_player"]
    assert action.isChecked() and w.player_shown()
    w.picker.select_row(0)
    w.player.toggle_play()
    aio.until(lambda: w.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, 10, "playing")
    w.player.play_button.setFocus()
    QTest.keySequence(w, action.shortcut())
    assert not w.player_shown() and not action.isChecked()
    assert QApplication.focusWidget() is w.picker.view      # the focus left the hidden player for the videos
    assert w.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState   # nothing plays unseen
    w.actions_by_name["mute"].trigger()                     # M: any player key brings it back
    assert w.player_shown() and w.player.mute_button.isChecked()
    QTest.keySequence(w, action.shortcut())
    assert not w.player_shown()
    w.resize(960, 900)
    aio.until(lambda: w.width() == 960, 5, "the narrow window")
    w.picker.select_row(1)                                  # a new source: loaded, not played, while hidden
    assert w.player.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState
    sizes = w.right_splitter.sizes()
    w.right_splitter.setSizes([0, sizes[1] + 40])           # a handle moved while it is hidden
    w.splitter.setSizes([5000, 0])                          # no panel can be dragged to nothing
    aio.until(lambda: w.jobs.height() >= w.jobs.minimumSizeHint().height() > 0, 5, "the job list kept")
    aio.run(app.stop())                                     # saves the layout, player hidden

    second = start_app(demo=True)
    w2 = second.window
    assert not w2.player_shown() and not w2.actions_by_name["show_player"].isChecked()
    assert w2.width() <= 960          # restored narrow (offscreen's 800 px screen may trim it further)
    w2.form.prompt.setPlainText("The balloon drifts higher")
    job = w2.submit(w2.form.request())[0]
    aio.until(lambda: _row_state(w2, job.id) is JobState.COMPLETED, 20, "the job to complete")
    w2.jobs.select_job(job.id)
    w2.jobs.actions_by_name["play"].trigger()
    assert w2.player_shown() and w2.actions_by_name["show_player"].isChecked()
    aio.until(lambda: w2.player.width() >= w2.player.minimumSizeHint().width()
              and w2.player.height() > 100, 5, "room for the player")
    assert w2.width() <= 960                                 # it did not widen the window
    aio.until(lambda: w2.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, 20,
              "the result playing")


def test_a_job_s_source_thumbnail_is_scaled_to_the_table_s_icon_size(start_app, aio):
    """A QImage decoration is drawn at its own size: the 320x180 thumbnail showed as a cropped corner
    of itself in the 64x36 cell (found by a new-user pass)."""
    from PySide6.QtCore import QSizeF

    w = start_app(demo=True).window
    w.picker.select_row(0)
    w.form.prompt.setPlainText("The balloon drifts higher")
    job = w.submit(w.form.request())[0]
    cell = w.job_model.index(w.job_model.row_of(job.id), 0)
    image = aio.until(lambda: cell.data(Qt.ItemDataRole.DecorationRole), 10, "the source's thumbnail")
    assert QSizeF(w.job_model.ICON_SIZE) == image.deviceIndependentSize()
    assert w.jobs.view.iconSize() == w.job_model.ICON_SIZE
    full = w.services.thumbnails.cached(w.form.source.thumbnail)
    assert full is not None and full.width() > 2 * image.deviceIndependentSize().width()   # it was scaled


def test_enter_on_a_video_goes_on_to_its_prompt(start_app, aio):
    """A keyboard user picking a video with the arrows had nothing to press there (new-user pass)."""
    w = start_app(demo=True).window
    w.picker.view.setFocus()
    w.picker.select_row(1)
    QTest.keyClick(w.picker.view, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is w.form.prompt
    assert w.form.source is not None and w.form.source.key == w.video_model.index(1, 0).data(w.video_model.KeyRole)


def test_the_video_list_by_keyboard_never_changes_the_source_unasked(start_app, aio):
    """New-user pass: Alt+1 left no visible cursor and Enter went on with no video chosen; a letter
    jumped to the video whose title starts with it and made it the source ("C" is compare)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    w = start_app(demo=True).window
    view, model = w.picker.view, w.video_model
    aio.until(lambda: model.rowCount() >= 3, 10, "the videos")
    w.findChild(QAction, "action_focus_videos").trigger()                        # Alt+1
    aio.until(lambda: view.hasFocus(), 5, "the list's focus")
    view.selectionModel().setCurrentIndex(w.picker.proxy.index(2, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    assert w.form.source is None or w.form.source.key != model.index(2, 0).data(model.KeyRole)   # a cursor only
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.state |= QStyle.StateFlag.State_HasFocus
    assert option.state & QStyle.StateFlag.State_HasFocus    # the delegate draws that as the cursor
    chosen = w.form.source
    assert [model.index(i, 0).data()[0] for i in (0, 1)] == ["N", "A"]          # the test service's titles
    for letter in (Qt.Key.Key_N, Qt.Key.Key_A):                                 # each a title's first letter
        QTest.keyClick(view, letter)
    assert w.form.source is chosen and view.currentIndex().row() == 2
    QTest.keyClick(view, Qt.Key.Key_Return)                                      # Enter: this one, then on
    assert w.form.source is not None and w.form.source.key == model.index(2, 0).data(model.KeyRole)
    assert QApplication.focusWidget() is w.form.prompt


def test_the_job_list_leaves_letters_to_the_player_and_plays_or_saves_what_is_there(start_app, aio, tmp_path):
    """New-user pass: in the job list "l" jumped to a job starting with L (and Delete removed that one)
    instead of turning the loop; a result whose saved file was moved did not play; Save as onto the
    library's own copy ended in "… are the same file"; C with nothing to compare did nothing."""
    w = start_app(demo=True).window
    aio.until(lambda: w.video_model.rowCount() >= 1, 10, "videos")
    w.picker.select_row(0)
    jobs = []
    for prompt in ("Lightning over the hills", "Mist rolls in"):
        w.form.prompt.setPlainText(prompt)
        jobs.append(w.submit(w.form.request())[0])
    aio.until(lambda: all(_row_state(w, j.id) is JobState.COMPLETED for j in jobs), 30, "both results")
    w.jobs.select_job(jobs[1].id)
    w.jobs.view.setFocus()
    aio.until(lambda: w.jobs.view.hasFocus(), 5, "the list's focus")
    looping = w.player.loop_button.isChecked()
    QTest.keyClick(w.jobs.view, Qt.Key.Key_L)
    assert w.jobs.selected_job().id == jobs[1].id and w.player.loop_button.isChecked() is not looping

    w.actions_by_name["compare"].trigger()                   # nothing loaded to compare: said why
    aio.until(lambda: "Nothing to compare" in w.statusBar().currentMessage(), 5, "the reason")

    done = w.engine.get(jobs[1].id)
    moved = done.evolve(local_path=str(tmp_path / "moved-away.mp4"))
    w.play_job(moved)
    assert w.player.current_source == done.result_url
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(b"\0" * 16)
    said = []
    w.jobs.message.connect(said.append)
    w.jobs._save_to(done.evolve(local_path=str(copy)), str(copy))
    assert said and said[-1].startswith("Already saved as") and copy.read_bytes() == b"\0" * 16


def test_a_layout_saved_side_by_side_opens_stacked_in_a_narrow_window(start_app, aio):
    """A splitter's saved state carries its orientation: one saved wide (say, on a larger screen) must
    not squeeze the player and form side by side into a window too narrow for them."""
    app = start_app(demo=True)
    w = app.window
    w.resize(1480, 900)
    aio.until(lambda: w.right_splitter.orientation() == Qt.Orientation.Horizontal, 5, "side by side")
    wide = w.right_splitter.saveState()
    w.resize(960, 900)
    aio.until(lambda: w.right_splitter.orientation() == Qt.Orientation.Vertical, 5, "stacked")
    aio.run(app.stop())
    app.settings.set_state("splitter_right", wide)
    app.settings.sync()

    w2 = start_app(demo=True).window
    assert w2.width() <= 960
    assert w2.right_splitter.orientation() == Qt.Orientation.Vertical
    assert w2.player.width() >= w2.player.minimumSizeHint().width()


class _MemoryKeyring(KeyringBackend):
    """A keyring that answers at once: the app's keyring path (not USEAPI_TOKEN), without a desktop."""
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, user):
        return self.items.get((service, user))

    def set_password(self, service, user, password):
        self.items[(service, user)] = password

    def delete_password(self, service, user):
        self.items.pop((service, user), None)


def test_past_jobs_are_listed_after_a_restart_with_the_token_in_the_keyring(start_app, sim_thread, aio,
                                                                          monkeypatch):
    """With the token in the keyring (the usual case) the window was built before the engine read its
    journal, and every past job, finished or failed, was missing from the list after a restart
    (new-user pass); with USEAPI_TOKEN they were there."""
    import keyring

    from pixverse_desktop import KEYRING_SERVICE
    from pixverse_desktop.storage.secrets import TOKEN_ACCOUNT

    from .conftest import TOKEN, sim_config

    memory = _MemoryKeyring()
    memory.set_password(KEYRING_SERVICE, TOKEN_ACCOUNT, TOKEN)
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    previous = keyring.core.get_keyring()
    keyring.set_keyring(memory)
    try:
        th = sim_thread(sim_config())
        app = start_app(api_base=th.base_url)
        assert app.tokens.where == "keyring"
        w = app.window
        w.picker.select_row(0)
        w.form.prompt.setPlainText("The balloon drifts higher")
        done = w.submit(w.form.request())[0]
        aio.run(app.engine.wait_final(done.id, 30), 35)
        aio.run(app.stop())

        second = start_app(api_base=th.base_url)
        assert second.tokens.where == "keyring"
        assert second.window.job_model.row_of(done.id) is not None
        assert second.window.job_model.job(done.id).state is JobState.COMPLETED
    finally:
        keyring.set_keyring(previous)


def test_a_double_click_on_extend_sends_one_job(start_app, aio):
    """Two clicks 80 ms apart sent two identical jobs, each charged (new-user pass); for more than
    one, there are variations. The button says it was sent, and is ready again a moment later."""
    w = start_app(demo=True).window
    w.picker.select_row(0)
    w.form.prompt.setPlainText("The fox jumps")
    QTest.mouseDClick(w.form.extend_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(w.form.extend_button, Qt.MouseButton.LeftButton)
    QTest.keyClick(w.form.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.job_model.rowCount() == 1
    assert w.form.extend_button.text() == "Sent" and not w.form.extend_button.isEnabled()
    aio.until(w.form.extend_button.isEnabled, 3, "the button ready again")
    assert w.form.extend_button.text() == "Extend"
    QTest.mouseClick(w.form.extend_button, Qt.MouseButton.LeftButton)   # a deliberate second send
    assert w.job_model.rowCount() == 2
    w.form.prompt.setPlainText("The fox lands")             # a changed form is a new request, at once
    assert w.form.extend_button.isEnabled()
    QTest.mouseClick(w.form.extend_button, Qt.MouseButton.LeftButton)
    assert w.job_model.rowCount() == 3


def test_the_last_source_of_a_second_account_is_chosen_again_after_a_restart(start_app, sim_thread, aio):
    """The list reopened on the first account, and a source of the second was lost (new-user pass)."""
    from pixverse_desktop.simulator import AccountConfig

    from .conftest import TOKEN, sim_config

    th = sim_thread(sim_config([AccountConfig("one@example.com", max_jobs=2), AccountConfig("two@example.com")]))
    app = start_app(api_base=th.base_url, token=TOKEN)
    w = app.window
    w.picker.account_box.setCurrentIndex(1)
    aio.run(w.video_model.wait_idle())
    w.picker.select_row(1)
    key = w.form.source.key
    assert "two@example.com" in key
    aio.run(app.stop())

    w2 = start_app(api_base=th.base_url, token=TOKEN).window
    assert w2.video_model.email == "two@example.com" and w2.picker.account_box.currentData() == "two@example.com"
    assert w2.form.source is not None and w2.form.source.key == key


def test_quit_says_first_that_jobs_not_sent_yet_go_out_at_the_next_start(start_app, aio, monkeypatch):
    """Quit with jobs waiting for a slot ended the app without a word (new-user pass); with none
    waiting it quits at once, as before."""
    from PySide6.QtWidgets import QMessageBox

    from pixverse_desktop.api.schemas import ExtendRequest
    from pixverse_desktop.jobs.models import Job

    w = start_app(demo=True).window
    quits = []
    w.quitRequested.connect(lambda: quits.append(1))
    waiting = [Job(f"j{i}", ExtendRequest("a storm rolls in"), state=state)
               for i, state in enumerate((JobState.PENDING, JobState.WAITING_SLOT, JobState.QUEUED))]
    monkeypatch.setattr(w.engine, "jobs", lambda: waiting)
    w.actions_by_name["quit"].trigger()                                   # Ctrl+Q
    box = w.findChild(QMessageBox, "QuitWithUnsentBox")
    assert box is not None and box.isVisible() and "2 jobs are not sent yet" in box.text() and quits == []
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert quits == []
    w.actions_by_name["quit"].trigger()
    w._quit_box.defaultButton().click()                                   # Quit
    assert quits == [1]
    monkeypatch.setattr(w.engine, "jobs", lambda: waiting[2:])            # only sent ones: no question
    w.actions_by_name["quit"].trigger()
    assert quits == [1, 1]
