"""The window as the user left it: geometry, splitters, the last source, recent uploads and every
form value.

Saved on close and, debounced, a moment after each change (a crash or a kill loses at most the last
half second of typing); restored when the window is built, the source once the first page of videos
is in. Everything sits in the settings' free-form ``state/`` group, never the token.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QSize, QTimer

from .form_values import apply_form_values, default_values, form_values
from .video_list_model import SourceItem

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)
RECENT_UPLOADS = 12   # uploads kept across restarts (the service keeps uploaded files for reuse)
FIRST_RUN_SIZE = QSize(1480, 920)
SCREEN_SHARE = 0.92   # of the screen's free area at most: room for the title bar and the frame


def _upload_details(entry: dict) -> dict:
    """The card details saved with an upload (duration, size, when); absent or unreadable in the
    uploads an older version saved, which then show without them."""
    details: dict = {}
    try:
        details["local_seconds"] = max(0.0, float(entry.get("seconds") or 0))
        width, height = entry.get("size") or (0, 0)
        details["local_size"] = (max(0, int(width)), max(0, int(height)))
    except (TypeError, ValueError):
        details.pop("local_seconds", None)
    try:
        when = datetime.fromisoformat(str(entry["uploaded_at"])) if entry.get("uploaded_at") else None
        details["uploaded_at"] = when if when is None or when.tzinfo else None
    except ValueError:
        pass
    return details


def within_screen(size: QSize, screen) -> QSize:
    """``size``, but never larger than the free part of ``screen`` (less room for a title bar and frame):
    window managers do not shrink a window that hangs off the screen."""
    if screen is None:
        return QSize(size)
    free = screen.availableGeometry().size()
    return size.boundedTo(QSize(int(free.width() * SCREEN_SHARE), int(free.height() * SCREEN_SHARE)))


def saved_source_key(settings) -> str:
    """The key of the last session's source ("" if none)."""
    key = settings.state("source", "")
    return key if isinstance(key, str) else ""


def first_run_size(screen) -> QSize:
    """The window's size before any was saved: roomy on a large screen, but never larger than the
    screen it opens on (on a 1366x768 laptop 1480x920 hung off the bottom and the right). The window's
    minimum size still wins on a screen smaller than that."""
    return within_screen(FIRST_RUN_SIZE, screen)


class WindowStateKeeper(QObject):
    def __init__(self, window: "MainWindow", debounce_ms: int = 500) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.services.settings
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.save)
        self._watching = False

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.settings.state(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # -- restore --------------------------------------------------------------------------------

    def restore_layout(self) -> None:
        w = self.window
        geometry = self._bytes("geometry")
        if geometry is not None:
            w.restoreGeometry(geometry)
        state = self._bytes("window_state")
        if state is not None:
            w.restoreState(state)
        for key, splitter in (("splitter_main", w.splitter), ("splitter_top", w.top_splitter),
                              ("splitter_right", w.right_splitter)):
            saved = self._bytes(key)
            if saved is not None:
                splitter.restoreState(saved)
        if self.settings.state("player_hidden", "") == "1":
            w.set_player_shown(False)

    def restore_form(self) -> None:
        values = default_values(self.settings)
        raw = self.settings.state("form")
        if isinstance(raw, str) and raw:
            try:
                saved = json.loads(raw)
            except ValueError:
                log.warning("the saved form state is unreadable; starting from the defaults")
                saved = {}
            if isinstance(saved, dict):
                values.update(saved)
        account = self.settings.get("account")
        if account and not values.get("email"):
            values["email"] = account
        apply_form_values(self.window.form, values)

    def restore_uploads(self) -> int:
        """Puts back the uploads of earlier sessions whose file is still on this computer, so a
        clip uploaded yesterday is still a source (its service path is reused, not re-uploaded; if
        the service has dropped it, extending says so). Returns how many."""
        raw = self.settings.state("uploads")
        try:
            saved = json.loads(raw) if isinstance(raw, str) and raw else []
        except ValueError:
            log.warning("the saved uploads are unreadable; starting without them")
            saved = []
        restored = 0
        for entry in reversed(saved if isinstance(saved, list) else []):   # add_upload puts each on top
            if not isinstance(entry, dict) or not entry.get("upload_path") or \
                    not os.path.isfile(str(entry.get("local_file", ""))):
                continue
            thumbnail = str(entry.get("thumbnail") or "")
            self.window.video_model.add_upload(SourceItem(
                key="upload:" + str(entry["upload_path"]), upload_path=str(entry["upload_path"]),
                local_file=str(entry["local_file"]), thumbnail=thumbnail if os.path.isfile(thumbnail) else "",
                **_upload_details(entry)))
            restored += 1
        return restored

    # -- save -----------------------------------------------------------------------------------

    def watch(self) -> None:
        """Saves (debounced) after any form edit, source choice or splitter move."""
        if self._watching:
            return
        self._watching = True
        w = self.window
        w.form.edited.connect(self.schedule)
        w.picker.sourceSelected.connect(self.schedule)
        w.splitter.splitterMoved.connect(self.schedule)
        w.top_splitter.splitterMoved.connect(self.schedule)
        w.right_splitter.splitterMoved.connect(self.schedule)

    def schedule(self, *_args) -> None:
        self._timer.start()

    def save(self) -> None:
        self._timer.stop()
        w = self.window
        s = self.settings
        s.set_state("geometry", w.saveGeometry())
        s.set_state("window_state", w.saveState())
        s.set_state("splitter_main", w.splitter.saveState())
        s.set_state("splitter_top", w.top_splitter.saveState())
        s.set_state("splitter_right", w.right_splitter.saveState())
        s.set_state("player_hidden", "" if w.player_shown() else "1")
        values = form_values(w.form)
        s.set_state("form", json.dumps(values))
        s.set("account", values.get("email") or "")
        source = w.form.source
        if source is not None and source.key:
            s.set_state("source", source.key)
        uploads = [{"upload_path": i.upload_path, "local_file": i.local_file, "thumbnail": i.thumbnail,
                    "seconds": i.local_seconds, "size": list(i.local_size),
                    "uploaded_at": i.uploaded_at.isoformat() if i.uploaded_at else None}
                   for i in w.video_model.uploads()[:RECENT_UPLOADS]]
        s.set_state("uploads", json.dumps(uploads))
        s.sync()
