"""Widgets on their own: the extend form, the player's error display, the banner, the error dialog."""

from __future__ import annotations

import sys

import pytest

from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QMediaPlayer

from pixverse_desktop.api.schemas import Effect, Video
from pixverse_desktop.ui.account_banner import AccountBanner
from pixverse_desktop.ui.error_dialog import ExceptHook
from pixverse_desktop.ui.extend_form import ExtendForm
from pixverse_desktop.ui.player import PlayerWidget
from pixverse_desktop.ui.video_list_model import SourceItem

from .conftest import make_mp4

VIDEO = Video.from_dict({"video_id": "user:1-pixverse:a@example.com-video:7", "video_status": 1,
                         "prompt": "a lantern"})


def test_form_builds_every_field_of_extend_v3(qtbot):
    form = ExtendForm()
    qtbot.addWidget(form)
    form.set_accounts(["a@example.com", "b@example.com"])
    form.effect.set_effects([Effect(template_id=123456789012, display_name="Zoom")])
    form.set_source(SourceItem.from_video(VIDEO))
    form.prompt.setPlainText("go on")
    form.negative.setPlainText("blur")
    form.duration.setCurrentIndex(form.duration.findData(8))
    form.quality.setCurrentIndex(form.quality.findData("360p"))
    form.style.setCurrentIndex(form.style.findData("clay"))
    form.seed_random.setChecked(False)
    form.seed.setText("99")
    form.effect.select(123456789012)
    form.account.setCurrentIndex(form.account.findData("b@example.com"))
    form.advanced.setChecked(True)
    form.reply_url.setText("https://example.com/cb")
    form.reply_ref.setText("ref-1")
    form.max_jobs.setValue(3)
    form.watermark.setChecked(False)
    req = form.request()
    assert req.to_payload() == {
        "prompt": "go on", "video_id": VIDEO.video_id, "email": "b@example.com", "negative_prompt": "blur",
        "template_id": 123456789012, "duration": 8, "quality": "360p", "motion_mode": "normal",
        "style": "clay", "seed": 99, "remove_watermark": False, "replyUrl": "https://example.com/cb",
        "replyRef": "ref-1", "maxJobs": 3}
    emitted = []
    form.extendRequested.connect(lambda r, n: emitted.append((r, n)))
    form.variations.setValue(2)
    form.trigger_extend()
    assert emitted == [(req, 2)]

    other = ExtendForm()
    qtbot.addWidget(other)
    other.effect.set_effects([Effect(template_id=123456789012, display_name="Zoom")])
    other.set_accounts(["a@example.com", "b@example.com"])
    other.load_request(req)
    other.set_source(SourceItem.from_video(VIDEO))
    assert other.request() == req


def test_form_without_source_says_why(qtbot):
    form = ExtendForm()
    qtbot.addWidget(form)
    form.prompt.setPlainText("fine")
    assert not form.extend_button.isEnabled()
    assert form.reason.text() == "Can't extend yet: Choose a video to extend."
    assert not form._errors["source"].isVisibleTo(form)
    form.set_source(SourceItem(key="upload:/p", upload_path="/p", local_file="/tmp/x.mp4"))
    assert form.extend_button.isEnabled() and form.request().video_path == "/p"


@pytest.mark.qt_log_ignore("Could not open media")   # the broken file is the point of the test
def test_player_shows_media_errors_and_plays_local_files(qtbot, aio, tmp_path):
    player = PlayerWidget()
    qtbot.addWidget(player)
    player.show()
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"definitely not a video" * 50)
    player.load(str(bad))
    aio.until(lambda: player.error_text, 15, "a media error")
    assert player.screen_main.stack.currentWidget() is player.screen_main.overlay
    assert "Cannot play this video" in player.screen_main.overlay.text()

    clip = make_mp4(tmp_path / "ok.mp4", seconds=2.0)
    player.load(str(clip), compare_with=str(clip))
    aio.until(lambda: player.player.duration() > 0, 15, "the clip to load")
    assert not player.error_text and player.screen_main.stack.currentWidget() is player.screen_main.video
    aio.until(lambda: player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, 5, "playing")
    player.toggle_play()
    assert player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
    before = player.player.position()
    player.step(1)
    aio.until(lambda: player.player.position() != before, 5, "a frame step")
    player.speed.setCurrentIndex(player.speed.findData(2.0))
    assert player.player.playbackRate() == 2.0
    player.mute_button.setChecked(True)
    assert player.audio.isMuted()
    player.loop_button.setChecked(False)
    assert player.player.loops() == 1
    player.compare_button.setChecked(True)
    assert player.screen_source.isVisible()
    player.shutdown()


def test_banner_words_per_kind(qtbot):
    banner = AccountBanner()
    qtbot.addWidget(banner)
    asked = []
    banner.enterTokenRequested.connect(lambda: asked.append(True))
    banner.show_problem("unauthorized", "Your useapi.net API token was not accepted.")
    banner.action.click()
    assert asked and banner.action.text() == "Enter token…"
    banner.show_problem("credits", "No credits <left>", "a@example.com")
    assert "a@example.com" in banner.message_text() and "&lt;left&gt;" in banner.message_text()
    retried = []
    banner.retryRequested.connect(retried.append)
    banner.action.click()
    assert retried == ["a@example.com"]
    banner.clear("a@example.com")
    assert not banner.isVisibleTo(banner.parentWidget() or banner) and banner.kind == ""


def test_excepthook_shows_a_redacted_dialog_with_copy(qtbot):
    from pixverse_desktop.core.redact import register_secret

    register_secret("secret-token-abcdef")
    hook = ExceptHook()
    try:
        raise RuntimeError("boom with secret-token-abcdef")
    except RuntimeError:
        hook(*sys.exc_info())
    dialog = hook.dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "boom" in dialog.details
    assert "secret-token-abcdef" not in dialog.details
    dialog.copy_details()
    assert QGuiApplication.clipboard().text() == dialog.details
    dialog.close()


def test_picker_tiles_are_drawn_once_and_redrawn_when_what_they_show_changes(qtbot):
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem

    from pixverse_desktop.ui.video_delegate import TILE, VideoDelegate
    from pixverse_desktop.ui.video_list_model import TileText, VideoListModel

    view = QListView()
    qtbot.addWidget(view)
    model = QStandardItemModel()
    item = QStandardItem()
    tile = TileText(SourceItem(key="v1"), "A fox in the snow", "COMPLETED", "COMPLETED", "5s", "640×360")
    item.setData(tile, VideoListModel.TileRole)
    model.appendRow(item)
    delegate = VideoDelegate(view)
    renders = []
    real_render = delegate._render
    delegate._render = lambda *a: renders.append(a[2:4]) or real_render(*a)
    canvas = QImage(TILE, QImage.Format.Format_ARGB32_Premultiplied)

    def paint(selected=False):
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = QRect(0, 0, TILE.width(), TILE.height())
        if selected:
            option.state |= QStyle.StateFlag.State_Selected
        canvas.fill(Qt.GlobalColor.black)
        painter = QPainter(canvas)
        delegate.paint(painter, option, model.index(0, 0))
        painter.end()
        return canvas.pixelColor(TILE.width() // 2, 40)   # inside the thumbnail area

    first = paint()
    paint()
    assert len(renders) == 1                                  # the second paint reused the image
    paint(selected=True)
    assert len(renders) == 2 and renders[-1] == (True, False)  # selection is part of what is shown
    thumb = QImage(320, 180, QImage.Format.Format_ARGB32_Premultiplied)
    thumb.fill(QColor("#ff0000"))
    item.setData(thumb, VideoListModel.TileImageRole)
    with_thumb = paint()
    assert len(renders) == 3 and with_thumb != first and with_thumb.red() > 200


def test_a_thumbnail_shaped_by_the_cache_is_drawn_without_rescaling(qtbot):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QListView, QStyleOptionViewItem

    from pixverse_desktop.media.tiles import SHAPED
    from pixverse_desktop.ui.video_delegate import TILE, VideoDelegate, tile_shape
    from pixverse_desktop.ui.video_list_model import TileText, VideoListModel

    view = QListView()
    qtbot.addWidget(view)
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData(TileText(SourceItem(key="v"), "t", "COMPLETED", "COMPLETED", "", ""), VideoListModel.TileRole)
    shape = tile_shape()
    shaped = QImage(shape.width, shape.height, QImage.Format.Format_ARGB32_Premultiplied)
    shaped.fill(QColor("#00ff00"))
    shaped.setText(SHAPED, "1")
    item.setData(shaped, VideoListModel.TileImageRole)
    model.appendRow(item)
    delegate = VideoDelegate(view)
    fitted = []
    real_fitted = delegate._fitted
    delegate._fitted = lambda *a: fitted.append(a) or real_fitted(*a)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, TILE.width(), TILE.height())
    canvas = QImage(TILE, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(canvas)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    assert fitted == [] and canvas.pixelColor(TILE.width() // 2, 60).green() > 200
    plain = QImage(shape.width, shape.height, QImage.Format.Format_ARGB32_Premultiplied)
    plain.fill(QColor("#0000ff"))   # an unshaped picture of the same size is still rounded here
    item.setData(plain, VideoListModel.TileImageRole)
    painter = QPainter(canvas)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    assert len(fitted) == 1


def test_the_time_shows_hundredths_so_a_frame_step_shows():
    from pixverse_desktop.ui.player import format_ms

    assert [format_ms(ms) for ms in (0, 40, 83, 1000, 61_505, -5)] == \
        ["0:00.00", "0:00.04", "0:00.08", "0:01.00", "1:01.50", "0:00.00"]
