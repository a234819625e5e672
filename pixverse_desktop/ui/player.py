"""The player: QMediaPlayer + QVideoWidget with transport controls and a side-by-side compare view."""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, QUrl, Qt, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaMetaData, QMediaPlayer, QVideoFrame
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QSlider, QStackedLayout, QStyle, QToolButton, QVBoxLayout, QWidget,
)

from . import shortcuts
from .icons import glyph


def to_url(source: str) -> QUrl:
    if "://" in source:
        return QUrl(source)
    return QUrl.fromLocalFile(source)


def format_ms(ms: int) -> str:
    """m:ss.cc: hundredths, so a frame step (40 ms at 25 fps) shows; tenths hid most of them."""
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}.{max(0, ms) % 1000 // 10:02d}"


class _Screen(QWidget):
    """A video surface with a caption and a message overlay (errors are never a silent black box)."""

    REDRAW_DELAY_MS = 60

    def __init__(self, caption: str, player: QMediaPlayer, parent=None) -> None:
        super().__init__(parent)
        self._player = player
        self.video = QVideoWidget()
        # QVideoWidget's inner window renders only when a frame arrives or it is exposed, and X11 sends no
        # Expose when a window shrinks: a paused frame kept its old size, cropped, until Play.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(self.REDRAW_DELAY_MS)   # once a drag or a layout pass has settled
        self._redraw.timeout.connect(self.redraw_frame)
        self.video.installEventFilter(self)
        self.video.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.video.setStyleSheet("background:#0e0e12;")
        self.overlay = QLabel()
        self.overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay.setWordWrap(True)
        self.overlay.setStyleSheet("background:#0e0e12;color:#b8b8c8;padding:16px;border-radius:10px;")
        self.stack = QStackedLayout()
        self.stack.addWidget(self.overlay)
        self.stack.addWidget(self.video)
        self.caption = QLabel(caption)
        self.caption.setObjectName("Muted")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.caption)
        self.caption.setVisible(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.video and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._redraw.start()
        return super().eventFilter(watched, event)

    def redraw_frame(self) -> None:
        """Hands the sink its current frame again, so the video window renders it at its present size."""
        if self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            return   # the next decoded frame redraws it, and an old frame must not replace a newer one
        sink = self.video.videoSink()
        frame = sink.videoFrame()
        if frame.isValid():
            sink.setVideoFrame(QVideoFrame())   # the sink ignores a frame equal to the one it holds
            sink.setVideoFrame(frame)

    def show_message(self, text: str, error: bool = False) -> None:
        color = "#ff8b8f" if error else "#b8b8c8"
        self.overlay.setStyleSheet(f"background:#0e0e12;color:{color};padding:16px;border-radius:10px;")
        self.overlay.setText(text)
        self.stack.setCurrentWidget(self.overlay)

    def show_video(self) -> None:
        self.stack.setCurrentWidget(self.video)


class SeekSlider(QSlider):
    """The timeline: a click on the bar jumps there and the handle can be dragged on from it. A plain
    QSlider moves a page towards the click, which for a 5 s clip read as "clicking does nothing"
    (new-user pass)."""

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(),
                                                   round(event.position().x()), self.width())
            if value != self.value():
                self.setValue(value)
                self.sliderMoved.emit(value)   # what a drag emits: the player seeks there
        super().mousePressEvent(event)   # and the handle, now under the pointer, follows a drag


class PlayerWidget(QWidget):
    mediaError = Signal(str)

    SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
    DRIFT_FRAMES = 2                  # the source is re-synced when it is further than this from the result
    CORRECTION_COOLDOWN_MS = 1000     # ...but not again before its last seek has settled

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Player"))
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.screen_main = _Screen(self.tr("Extension"), self.player)
        self.player.setVideoOutput(self.screen_main.video)
        self.compare_player = QMediaPlayer(self)
        # It follows the result (see _follow); looping by itself it would drift into unrelated moments.
        self.compare_player.setLoops(1)
        self.screen_source = _Screen(self.tr("Source"), self.compare_player)
        self.compare_player.setVideoOutput(self.screen_source.video)
        self._corrected = QElapsedTimer()
        self.screen_source.setVisible(False)
        self._compare_source = ""
        self.current_source = ""
        self.error_text = ""
        self.screen_main.show_message(self.tr("Select a video or a finished job to play it here."))

        # Painted in the palette's text colour: Fusion's stock media pixmaps vanish on the dark theme.
        self._icons = {name: glyph(name) for name in ("play", "pause", "frame_back", "frame_next", "volume",
                                                         "muted", "loop")}

        def button(face: str, tip: str, checkable: bool = False, key: str = "") -> QToolButton:
            b = QToolButton()
            if face in self._icons:
                b.setIcon(self._icons[face])
            else:
                b.setText(face)
            b.setToolTip(f"{tip} ({shortcuts.primary(key)})" if key else tip)
            b.setAccessibleName(tip)   # screen readers announce the shortcut themselves
            b.setCheckable(checkable)
            return b

        self.play_button = button("play", self.tr("Play / pause"), key="play_pause")
        self.play_button.clicked.connect(self.toggle_play)
        self.back_button = button("frame_back", self.tr("Previous frame"), key="frame_back")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.next_button = button("frame_next", self.tr("Next frame"), key="frame_next")
        self.next_button.clicked.connect(lambda: self.step(1))
        self.slider = SeekSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(self.tr("Position"))
        self.slider.setRange(0, 0)
        self.slider.sliderMoved.connect(self._scrub)
        self.time_label = QLabel(f"{format_ms(0)} / {format_ms(0)}")
        self.time_label.setObjectName("Muted")
        self.loop_button = button("loop", self.tr("Loop"), checkable=True, key="loop")
        self.loop_button.setChecked(True)
        self.loop_button.toggled.connect(self._set_loop)
        self.mute_button = button("volume", self.tr("Mute"), checkable=True, key="mute")
        self.mute_button.toggled.connect(self._set_muted)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMinimumWidth(40)   # 80 where there is room; less in a half-screen window
        self.volume.setMaximumWidth(80)
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.audio.setVolume(0.8)
        self.speed = QComboBox()
        self.speed.setAccessibleName(self.tr("Playback speed"))
        self.speed.setToolTip(self.tr("Playback speed (%s slower, %s faster)")
                              % (shortcuts.primary("slower"), shortcuts.primary("faster")))
        for rate in self.SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(self.SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(self._set_speed)
        self.compare_button = button(self.tr("A | B"), self.tr("Compare with the source side by side"),
                                     checkable=True, key="compare")
        self.compare_button.setEnabled(False)
        self.compare_button.toggled.connect(self.set_compare)

        screens = QHBoxLayout()
        screens.setSpacing(8)
        screens.addWidget(self.screen_source, 1)
        screens.addWidget(self.screen_main, 1)
        seek = QHBoxLayout()
        seek.addWidget(self.slider, 1)
        seek.addWidget(self.time_label)
        controls = QHBoxLayout()
        for widget in (self.play_button, self.back_button, self.next_button, self.loop_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        for widget in (self.compare_button, self.speed, self.mute_button, self.volume):
            controls.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(screens, 1)
        layout.addLayout(seek)
        layout.addLayout(controls)

        self.tab_chain = [self.slider, self.play_button, self.back_button, self.next_button, self.loop_button,
                          self.compare_button, self.speed, self.mute_button, self.volume]
        for first, second in zip(self.tab_chain, self.tab_chain[1:]):
            QWidget.setTabOrder(first, second)
        self._set_loop(True)
        self.player.positionChanged.connect(self._position_changed)
        self.player.durationChanged.connect(self._duration_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.errorOccurred.connect(self._error)
        self.player.mediaStatusChanged.connect(self._status_changed)
        self.compare_player.mediaStatusChanged.connect(self._compare_status_changed)
        self.compare_player.durationChanged.connect(lambda _d: self._follow())
        self.compare_player.errorOccurred.connect(
            lambda _e, text: self.screen_source.show_message(self.tr("Cannot play the source: %s") % text, True))

    # -- loading --------------------------------------------------------------------------------

    def load(self, source: str, compare_with: str = "", autoplay: bool = True) -> None:
        """Plays a URL or a local file; ``compare_with`` is the source clip for the A | B view."""
        self.error_text = ""
        self.current_source = source
        self._compare_source = compare_with
        self.compare_button.setEnabled(bool(compare_with))
        if not compare_with and self.compare_button.isChecked():
            self.compare_button.setChecked(False)
        if not source:
            self.player.setSource(QUrl())
            self.compare_player.stop()   # else the source pane goes on with the previous clip
            self.screen_main.show_message(self.tr("This video has no playable file yet."))
            return
        self.screen_main.show_message(self.tr("Loading…"))
        self.player.setSource(to_url(source))
        if self.compare_button.isChecked():
            self.screen_source.show_message(self.tr("Loading…"))
            self.compare_player.setSource(to_url(compare_with))   # _follow places it once it has loaded
        if autoplay:
            self.play()
        else:   # paused at the start: its first frame is shown, not a black screen until Play
            self.pause()

    def shutdown(self) -> None:
        """Stops and releases both players (before the media server goes away)."""
        for player in (self.player, self.compare_player):
            player.stop()
            player.setSource(QUrl())

    def set_compare(self, on: bool) -> None:
        self.screen_source.setVisible(on)
        self.screen_main.caption.setVisible(on)
        self.screen_source.caption.setVisible(on)
        if on and self._compare_source:
            self.screen_source.show_message(self.tr("Loading…"))
            # Loading is asynchronous: a seek sent now is lost, so _follow places it once it has loaded.
            self.compare_player.setSource(to_url(self._compare_source))
            self._follow()   # the same source again may not reload, and then no status change comes
        else:
            self.compare_player.stop()

    # -- transport ------------------------------------------------------------------------------

    def last_frame_ms(self) -> int:
        """Where the clip's last frame starts: a clip that played to its end is held there."""
        return max(0, self.player.duration() - self.frame_ms())

    def play(self) -> None:
        if self.player.duration() > 0 and self.player.position() >= self.last_frame_ms():
            self.player.setPosition(0)   # held on its last frame (see _status_changed): from the start
        self.player.play()   # the source follows through playbackStateChanged

    def pause(self) -> None:
        self.player.pause()

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.pause()
        elif not self.player.source().isEmpty():
            self.play()

    def frame_rate(self) -> float:
        rate = self.player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            rate = float(rate)
        except (TypeError, ValueError):
            rate = 0.0
        return rate if rate > 0 else 25.0

    def frame_ms(self) -> int:
        return max(1, round(1000 / self.frame_rate()))

    def step(self, frames: int) -> None:
        """To the start of the frame ``frames`` away from the one showing. Counted in frames, not in a
        rounded duration: at 12 fps a frame lasts 83.3 ms, and a step of 83 ms landed just before the
        next frame began (the first step showed the same frame; every later one was a frame behind)."""
        self.pause()
        rate = self.frame_rate()
        # The position reads in whole ms, rounded down: 166 while frame 2 (from 166.7 ms) shows.
        showing = math.floor((self.player.position() + 1) * rate / 1000 - 1e-9)
        # Just inside the frame: at its exact start (250 ms for frame 3 at 12 fps) Qt showed the one before.
        position = math.floor(max(0, showing + frames) * 1000 / rate) + 1
        self._scrub(max(0, min(self.player.duration(), position)))

    def seek(self, delta_ms: int) -> None:
        """Forward or back by ``delta_ms`` (Shift+Right / Shift+Left), within the clip."""
        if self.player.duration() > 0:
            self._scrub(max(0, min(self.player.duration(), self.player.position() + delta_ms)))

    def change_speed(self, steps: int) -> None:
        """One speed up or down the list ("]" / "["), stopping at either end."""
        self.speed.setCurrentIndex(max(0, min(self.speed.count() - 1, self.speed.currentIndex() + steps)))

    def _scrub(self, position: int) -> None:
        self.player.setPosition(position)
        self._follow()   # positionChanged does not come when the position is already there

    def _set_loop(self, on: bool) -> None:
        # Only the result loops; the source restarts with it (_follow).
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else 1)

    def _set_muted(self, muted: bool) -> None:
        self.audio.setMuted(muted)
        self.mute_button.setIcon(self._icons["muted" if muted else "volume"])

    def _set_speed(self) -> None:
        rate = self.speed.currentData()
        self.player.setPlaybackRate(rate)
        self.compare_player.setPlaybackRate(rate)

    # -- keeping the source in step with the result ---------------------------------------------

    def _compare_ready(self) -> bool:
        S = QMediaPlayer.MediaStatus
        return (self.compare_button.isChecked() and bool(self._compare_source)
                and self.compare_player.duration() > 0
                and self.compare_player.mediaStatus() in (S.LoadedMedia, S.BufferingMedia, S.BufferedMedia,
                                                          S.EndOfMedia)
                and self.player.mediaStatus() not in (S.NoMedia, S.LoadingMedia, S.InvalidMedia))

    def _follow(self) -> None:
        """Puts the source at the result's position and state. Past the source's end it holds its last
        frame (the extension goes on beyond it); when the result loops, the source starts again with it."""
        if not self._compare_ready():
            return
        source = self.compare_player
        State = QMediaPlayer.PlaybackState
        target = self.player.position()
        end = source.duration()
        frame = self.frame_ms()
        if target >= end - frame:
            # At EndOfMedia the sink drops its frame (a black pane): paused at the end, the last one shows.
            if source.playbackState() != State.PausedState or source.position() != end:
                source.pause()
                source.setPosition(end)
            return
        if self.player.playbackState() != State.PlayingState:
            if source.playbackState() != State.PausedState or source.position() != target:
                source.pause()
                source.setPosition(target)
            return
        if source.playbackState() != State.PlayingState:
            source.setPosition(target)
            source.play()
            self._corrected.start()
        elif (abs(source.position() - target) > self.DRIFT_FRAMES * frame
              and not (self._corrected.isValid() and self._corrected.elapsed() < self.CORRECTION_COOLDOWN_MS)):
            # A seek takes the decoder a moment: corrections wait for the last one to settle.
            source.setPosition(target)
            self._corrected.start()

    # -- feedback -------------------------------------------------------------------------------

    def _position_changed(self, position: int) -> None:
        self._follow()
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        self.time_label.setText(f"{format_ms(position)} / {format_ms(self.player.duration())}")

    def _duration_changed(self, duration: int) -> None:
        self.slider.setRange(0, duration)
        self._position_changed(self.player.position())

    def _state_changed(self, state) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(self._icons["pause" if playing else "play"])
        self._follow()

    def _status_changed(self, status) -> None:
        S = QMediaPlayer.MediaStatus
        if status == S.EndOfMedia and self.player.duration() > 0:
            # The sink drops its frame at the end (a black pane, and scrubbing back stayed black; new-user
            # pass): held paused on the last frame instead, as the source already is (_follow).
            self.player.pause()
            self.player.setPosition(self.last_frame_ms())
        if status in (S.LoadedMedia, S.BufferedMedia, S.BufferingMedia, S.EndOfMedia):
            self.screen_main.show_video()
            self._follow()
        elif status == S.InvalidMedia and not self.error_text:
            self._error(None, self.tr("the file is not a playable video"))

    def _compare_status_changed(self, status) -> None:
        S = QMediaPlayer.MediaStatus
        if status in (S.LoadedMedia, S.BufferedMedia, S.BufferingMedia, S.EndOfMedia):
            self.screen_source.show_video()
            self._follow()

    def _error(self, _error, text: str) -> None:
        self.error_text = self.tr("Cannot play this video: %s") % (text or self.tr("unknown error"))
        self.screen_main.show_message(self.error_text, error=True)
        self.mediaError.emit(self.error_text)
