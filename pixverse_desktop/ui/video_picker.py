"""The video picker: the account's videos as tiles, filters, account switcher, and local uploads."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QProgressBar, QPushButton,
    QToolButton, QVBoxLayout, QWidget,
)

from pixverse_desktop.api.errors import ApiError, ErrorKind, Transient
from pixverse_desktop.api.schemas import UploadResult
from pixverse_desktop.api.validate import VIDEO_UPLOAD_TYPES, UPLOAD_TYPES

from .icons import glyph, legible_file_dialog
from .theme import OpaqueViewport
from .video_delegate import TILE, VideoDelegate
from .video_filter_proxy import VideoFilterProxy
from .video_list_model import STATUS_GROUPS, SourceItem, VideoListModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog

log = logging.getLogger(__name__)

Uploader = Callable[..., Awaitable[UploadResult]]   # (path, email, progress=cb)
VIDEO_SUFFIXES = tuple(sorted(s for s, t in UPLOAD_TYPES.items() if t in VIDEO_UPLOAD_TYPES))


class VideoPicker(QWidget):
    sourceSelected = Signal(object)     # SourceItem
    accountChanged = Signal(object)     # email or None
    accountError = Signal(object)       # ApiError of kind ACCOUNT: the window's banner shows it
    uploadFinished = Signal(object)     # SourceItem

    def __init__(self, model: VideoListModel, uploader: Uploader | None = None,
                 thumb_dir: str | Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.uploader = uploader
        self.thumb_dir = Path(thumb_dir) if thumb_dir else None
        self._upload_task: asyncio.Task | None = None
        self.chosen_key: str | None = None   # the source the person picked (see _selection_changed)
        self._last_folder = ""               # where the last local video came from (choose_file)
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.timeout.connect(self._update_state)
        self.has_token: Callable[[], bool] = lambda: True   # the window tells whether a token is set

        self.proxy = VideoFilterProxy(self)
        self.proxy.setSourceModel(model)
        # Connected before the list's own handlers, which run in connection order: when the current
        # row is filtered out, QListView selects a neighbour itself ("one selected item in single
        # selection mode"), and that must not become the source (typing a filter switched it).
        self._moving = False
        for signal in (self.proxy.rowsAboutToBeRemoved, self.proxy.layoutAboutToBeChanged,
                       self.proxy.modelAboutToBeReset):
            signal.connect(self._rows_moving)

        title = QLabel(self.tr("Your videos"))
        title.setObjectName("CardTitle")
        self.account_box = QComboBox()
        self.account_box.setAccessibleName(self.tr("Account"))
        self.account_box.setToolTip(self.tr("Which PixVerse account's videos to show"))
        self.account_box.setVisible(False)
        self.account_box.currentIndexChanged.connect(self._account_picked)
        # As wide as the address where there is room; narrower (elided) in a window tiled to half a
        # screen, where the full width set the whole window's minimum (see window_build).
        self.account_box.setMinimumWidth(110)
        self.refresh_button = QToolButton()
        self.refresh_button.setIcon(glyph("refresh"))
        self.refresh_button.setToolTip(self.tr("Refresh the list (F5)"))
        self.refresh_button.setAccessibleName(self.tr("Refresh videos"))
        self.refresh_button.clicked.connect(self.refresh)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter by prompt…"))
        self.filter_edit.setAccessibleName(self.tr("Filter videos by prompt"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.status_box = QComboBox()
        self.status_box.setAccessibleName(self.tr("Filter videos by status"))
        self.status_box.addItem(self.tr("All statuses"), None)
        names = {"COMPLETED": self.tr("Completed"), "QUEUED": self.tr("Queued"),
                 "GENERATING": self.tr("Generating"), "FAILED": self.tr("Failed"), "unknown": self.tr("Unknown")}
        for group in STATUS_GROUPS:
            self.status_box.addItem(names[group], group)
        self.status_box.currentIndexChanged.connect(
            lambda: self.proxy.set_status(self.status_box.currentData()))

        self.view = QListView()
        OpaqueViewport(self.view)   # repaints without the frame behind (see theme.py)
        self.view.setAccessibleName(self.tr("Videos"))
        self.view.setProperty("typeAhead", False)   # a letter must not choose another source (shortcuts.py)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(VideoDelegate(self.view))
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setGridSize(QSize(TILE.width() + 2, TILE.height() + 2))
        self.view.setSpacing(0)
        self.view.setMouseTracking(True)
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.setMinimumWidth(TILE.width() + 24)

        self.empty_label = QLabel(self.tr("No videos match the filter"))
        self.empty_label.setObjectName("Muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName(self.tr("No videos match the filter"))
        self.empty_label.setVisible(False)

        self.state_label = QLabel()
        self.state_label.setObjectName("Muted")
        self.state_label.setWordWrap(True)

        self.add_button = QPushButton(self.tr("Add local video…"))
        self.add_button.setAccessibleName(self.tr("Add a local video"))
        self.add_button.setToolTip(self.tr("Upload a video file from this computer (or drop one on the window)"))
        self.add_button.clicked.connect(self.choose_file)
        self.upload_bar = QProgressBar()
        self.upload_bar.setAccessibleName(self.tr("Upload progress"))
        self.upload_bar.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the upload"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_upload)

        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.account_box)
        head.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.status_box)
        upload = QHBoxLayout()
        upload.addWidget(self.add_button)
        upload.addWidget(self.upload_bar, 1)
        upload.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.state_label)
        layout.addLayout(upload)

        model.loadingChanged.connect(self._update_state)
        model.loadFailed.connect(self._load_failed)
        model.pageLoaded.connect(lambda _n: self._update_state())
        # The count follows what is shown: the filter, and rows added or removed later.
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._update_state)
            signal.connect(self._keep_chosen_selected)
        order = [self.account_box, self.refresh_button, self.filter_edit, self.status_box, self.view,
                 self.add_button, self.cancel_button]
        self.tab_chain = order
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

    # -- accounts and loading -------------------------------------------------------------------

    def set_accounts(self, emails: list[str]) -> None:
        current = self.model.email
        self.account_box.blockSignals(True)
        self.account_box.clear()
        for email in emails:
            self.account_box.addItem(email, email)
        if current in emails:
            self.account_box.setCurrentIndex(emails.index(current))
        self.account_box.blockSignals(False)
        self.account_box.setVisible(len(emails) > 1)
        if len(emails) > 1 and current not in emails:
            self._account_picked()
        elif len(emails) <= 1 and current is not None and current not in emails:
            self.model.set_account(None)

    def _account_picked(self) -> None:
        email = self.account_box.currentData()
        self.model.set_account(email)
        self.accountChanged.emit(email)

    def refresh(self) -> None:
        self.model.refresh()

    def _update_state(self, *_args) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.empty_label.setVisible(total > 0 and shown == 0)
        error = self.model.last_error
        if self.model.loading and self.model.retrying is not None:
            self._say(self.model.retrying.what_happened + " " + self.tr("Trying again…"), True)
        elif self.model.loading:
            self._say(self.tr("Loading videos…"))
        elif error is not None and error.kind is ErrorKind.ACCOUNT and not self.has_token():
            self._say(self.tr("Enter your API token to see your videos."))
        elif error is not None and error.kind is ErrorKind.ACCOUNT:
            # The window's banner says it all, with its button; the same long text under the list too
            # read as a second problem (verification pass).
            self._say(self.tr("Your videos are listed once the problem above is solved."), True)
        elif isinstance(error, Transient):   # what to press, not only "try again in a moment"
            self._say(error.what_happened + " " + self.tr("Press F5 or ↻ to try again."), True)
        elif error is not None:
            self._say(error.user_message, True)
        elif total == 0:
            self._say(self.tr("No videos yet. Add a local video to start."))
        else:
            videos = self.tr("1 video") if total == 1 else self.tr("%d videos") % total
            text = videos if shown == total else self.tr("%d of %s") % (shown, videos)
            self._say(text + ("" if self.model.exhausted else self.tr(" (scroll for more)")))

    def expect_first_page(self) -> None:
        """Says the list is on its way while the accounts are asked for first (the first page waits for
        them): with a slow service the list stood empty and wordless for seconds (network-failure pass)."""
        if self.model.needs_first_page and self.model.last_error is None and self.has_token():
            self._say(self.tr("Loading videos…"))

    def _load_failed(self, error: ApiError) -> None:
        if error.kind is ErrorKind.ACCOUNT:
            self.accountError.emit(error)
        self._update_state()

    # -- selection ------------------------------------------------------------------------------

    def _selection_changed(self, *_args) -> None:
        """A source is chosen by selecting it (click, arrows, Enter), never by the list's current
        item alone: Qt makes the first row current when the list gets the focus (Alt+1, Tab), and
        that had switched the form's source to the first video unasked. Nor by a selection Qt moves
        while a filter hides rows (see _rows_moving). Selecting the chosen source again says nothing."""
        if self._moving:
            return
        rows = self.view.selectionModel().selectedIndexes()
        item = rows[0].data(VideoListModel.ItemRole) if rows else None
        if item is not None and item.key != self.chosen_key:
            self.chosen_key = item.key
            self.sourceSelected.emit(item)

    def _rows_moving(self, *_args) -> None:
        self._moving = True

    def _keep_chosen_selected(self, *_args) -> None:
        """After rows come, go or are filtered: the chosen source is the one selected when it is
        shown (the focus cursor with it), and nothing is when it is not (Qt's pick of a neighbour
        is undone: the highlight would name a video the form does not extend)."""
        self._moving = False
        if self.chosen_key is None:
            return
        selected = self.view.selectionModel().selectedIndexes()
        index = self._shown_index(self.chosen_key)
        if index.isValid():
            if selected != [index]:
                self.view.setCurrentIndex(index)   # selects it (single selection); same key: no signal
        elif selected:
            self.view.selectionModel().clearSelection()

    def _shown_index(self, key: str) -> QModelIndex:
        """The list's index of the video ``key``; invalid if it is not loaded or a filter hides it."""
        row = self.model.row_of(key)
        return self.proxy.mapFromSource(self.model.index(row)) if row >= 0 else QModelIndex()

    def select_key(self, key: str) -> bool:
        if self.model.row_of(key) < 0:
            return False
        proxy_index = self._shown_index(key)
        if not proxy_index.isValid():
            self.filter_edit.clear()
            self.status_box.setCurrentIndex(0)
            proxy_index = self._shown_index(key)
        self.view.setCurrentIndex(proxy_index)
        self.view.scrollTo(proxy_index)
        return True

    def remember_choice(self, key: str) -> None:
        """The form's source was set elsewhere and is not listed (yet): the old one loses its
        highlight, and this one is selected once it is listed."""
        self.chosen_key = key
        self.view.selectionModel().clearSelection()

    def select_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.proxy.index(row, 0))

    def choose_current(self) -> None:
        """Enter on the video under the keyboard cursor chooses it (it went on to the prompt with no
        video chosen when the cursor had only been put there by the focus; new-user pass)."""
        current = self.view.currentIndex()
        if current.isValid() and not self.view.selectionModel().isSelected(current):
            self.view.setCurrentIndex(current)   # selects it too (single selection)

    # -- uploads --------------------------------------------------------------------------------

    def choose_file(self) -> QFileDialog:
        """Opens in the folder of the last video added, at first the system's Videos folder (it opened
        in the app's working folder). Not a blocking getOpenFileName: no nested loop under qasync."""
        # Imported on first use: the picker is in the window's first frame, and loading a Qt class
        # creates all its Python enums (bench_startup).
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        patterns = " ".join("*" + s for s in VIDEO_SUFFIXES)
        videos = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        # Without a Videos folder, the home folder (given a missing one, Qt put "Videos" in the name box).
        start = self._last_folder or (videos if os.path.isdir(videos) else os.path.expanduser("~"))
        dialog = QFileDialog(self, self.tr("Add a local video"), start, self.tr("Videos (%s)") % patterns)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._file_chosen)
        self._file_dialog = dialog
        dialog.open()
        legible_file_dialog(dialog)
        return dialog

    def _file_chosen(self, path: str) -> None:
        if path:
            self._last_folder = str(Path(path).parent)
            self.upload(path)

    @staticmethod
    def is_video_file(path: str) -> bool:
        return Path(path).suffix.lower() in VIDEO_SUFFIXES

    def upload(self, path: str) -> asyncio.Task | None:
        if self.uploader is None:
            return None
        if self._upload_task is not None:
            self._say(self.tr("An upload is already running; wait for it or cancel it."))
            return None
        self._set_uploading(True, Path(path).name)
        self._say(self.tr("Uploading %s…") % Path(path).name)
        self._upload_task = asyncio.ensure_future(self._upload(path))
        self._upload_task.add_done_callback(lambda task, name=Path(path).name: self._upload_done(task, name))
        return self._upload_task

    def _upload_done(self, task: asyncio.Task, name: str) -> None:
        # Also runs when the task was cancelled before it even started.
        self._upload_task = None
        self._set_uploading(False)
        if task.cancelled():
            self._say(self.tr("Upload of %s cancelled.") % name)

    @property
    def upload_task(self) -> asyncio.Task | None:
        return self._upload_task

    def cancel_upload(self) -> None:
        if self._upload_task is not None:
            self._upload_task.cancel()

    ERROR_SHOWN_MS = 12_000   # then the line goes back to the count it stood for

    def _say(self, text: str, error: bool = False) -> None:
        """The line under the list; a failed upload in the error colour (muted grey was missed), for a
        while only: it had hidden the count for the rest of the session."""
        self.state_label.setStyleSheet("color: #e5484d;" if error else "")
        self.state_label.setText(text)
        if error and self.model.last_error is None:   # a list that cannot load keeps saying so
            self._error_timer.start(self.ERROR_SHOWN_MS)

    def _set_uploading(self, on: bool, name: str = "") -> None:
        self.upload_bar.setVisible(on)
        self.cancel_button.setVisible(on)
        self.add_button.setEnabled(not on)
        if on:
            self.upload_bar.setRange(0, 0)
            self.upload_bar.setFormat(self.tr("Uploading %s… %%p%%") % name)

    def _progress(self, sent: int, total: int) -> None:
        if total > 0:
            self.upload_bar.setRange(0, 1000)
            self.upload_bar.setValue(int(1000 * sent / total))

    async def _upload(self, path: str) -> None:
        from pixverse_desktop.media.probe import probe_video   # first use: not needed for the first frame

        name = Path(path).name
        try:
            # Looked at here first: a file that is no video was sent, and refused by the service
            # in words about "settings", after the wait of an upload.
            preview = await probe_video(path, self.thumb_dir) if self.thumb_dir else None
            if preview is not None and not preview.is_video:
                self._say(self.tr("%s is not a video this app can read; nothing was uploaded.") % name, True)
                return
            result = await self.uploader(path, self.model.email, progress=self._progress)
        except ApiError as exc:
            self._say(self.tr("The service did not accept %s: %s") % (name, exc.server_message or exc.title)
                      if exc.kind is ErrorKind.INPUT else exc.user_message, True)
            if exc.kind is ErrorKind.ACCOUNT:
                self.accountError.emit(exc)
            return
        except OSError as exc:
            self._say(self.tr("Could not read %s: %s") % (name, exc.strerror or exc), True)
            return
        item = SourceItem(key="upload:" + result.path, upload_path=result.path, local_file=str(path),
                          thumbnail=preview.thumbnail if preview else "",
                          local_seconds=preview.duration if preview else 0.0,
                          local_size=(preview.width, preview.height) if preview else (0, 0),
                          uploaded_at=datetime.now(timezone.utc))
        row = self.model.add_upload(item)
        self._say(self.tr("Uploaded %s: it is now a source you can extend.") % name)
        self.select_row(self.proxy.mapFromSource(self.model.index(row)).row())
        self.uploadFinished.emit(item)
