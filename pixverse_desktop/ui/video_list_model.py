"""The picker's list model: the account's videos from GET /videos, loaded a page at a time.

Rows are keyed by id (a dict index), pages arrive through ``canFetchMore``/``fetchMore`` as the view
scrolls, thumbnails are asked of the cache only for rows the view paints and repaint one row when
they arrive. Uploaded local files sit at the top as sources too (``video_path``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QT_TRANSLATE_NOOP, Qt, Signal

from pixverse_desktop.api.errors import ApiError, Transient
from pixverse_desktop.api.schemas import Video, VideoStatus
from pixverse_desktop.media.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)

PageFetcher = Callable[[str | None, int, int], Awaitable[list[Video]]]  # (email, limit, offset)

STATUS_GROUPS = ("COMPLETED", "QUEUED", "GENERATING", "FAILED", "unknown")


# The badge's word for each status: the API's names, except its "FAILED_MODERATION", which read as a raw
# code on a tile (new-user pass).
BADGE_WORDS = {
    VideoStatus.COMPLETED: QT_TRANSLATE_NOOP("VideoListModel", "COMPLETED"),
    VideoStatus.QUEUED: QT_TRANSLATE_NOOP("VideoListModel", "QUEUED"),
    VideoStatus.GENERATING: QT_TRANSLATE_NOOP("VideoListModel", "GENERATING"),
    VideoStatus.FAILED: QT_TRANSLATE_NOOP("VideoListModel", "FAILED"),
    VideoStatus.MODERATED: QT_TRANSLATE_NOOP("VideoListModel", "BLOCKED"),
}


def status_group(status: VideoStatus) -> str:
    """The badge / filter group of a status: FAILED covers moderation too."""
    if status is VideoStatus.UNKNOWN:
        return "unknown"
    if status.is_failure:
        return "FAILED"
    return status.name


@dataclass(frozen=True)
class SourceItem:
    """One row: a video from the account, or a local file uploaded with POST /files."""

    key: str
    video: Video | None = None
    upload_path: str = ""     # POST /files path: the extend source (video_path)
    local_file: str = ""      # the file on this computer (played directly, first frame as thumbnail)
    thumbnail: str = ""
    # What the card of an upload shows where a video's shows the service's fields (from the probe).
    local_seconds: float = 0.0
    local_size: tuple[int, int] = (0, 0)
    uploaded_at: datetime | None = None

    @property
    def title(self) -> str:
        if self.video is not None:
            return self.video.prompt or self.video.video_id
        return self.local_file.rsplit("/", 1)[-1]

    @property
    def duration(self) -> float:
        return (self.video.video_duration or self.video.duration) if self.video is not None else self.local_seconds

    @property
    def resolution(self) -> str:
        if self.video is not None:
            return self.video.resolution
        return "{}×{}".format(*self.local_size) if all(self.local_size) else ""

    @property
    def created_at(self) -> datetime | None:
        return self.video.created_at if self.video is not None else self.uploaded_at

    @property
    def play_url(self) -> str:
        return self.video.url if self.video is not None else self.local_file

    @classmethod
    def from_video(cls, video: Video) -> "SourceItem":
        return cls(key=video.video_id, video=video, thumbnail=video.thumbnail_url)


@dataclass(frozen=True)
class TileText:
    """The texts of one picker tile, worked out once per row."""

    item: SourceItem
    title: str
    group: str         # STATUS_GROUPS value or "UPLOAD": the badge colour
    label: str         # the badge text
    duration: str      # "5s", or "" when unknown
    meta: str          # resolution · creation time


Role = Qt.ItemDataRole.UserRole


class VideoListModel(QAbstractListModel):
    ItemRole = Role + 1
    StatusGroupRole = Role + 2
    StatusLabelRole = Role + 3
    PromptRole = Role + 4
    ThumbnailRole = Role + 5
    DurationRole = Role + 6
    ResolutionRole = Role + 7
    CreatedRole = Role + 8
    KeyRole = Role + 9
    TileRole = Role + 10     # what a tile shows, as one TileText (the delegate asks once, not seven times)
    TileImageRole = Role + 11   # the thumbnail shaped for the tile when the cache makes one, else as is
    RETRY_AFTER_S = (2.0, 5.0)   # a page that met a passing fault is asked for again after these pauses

    loadingChanged = Signal(bool)
    loadFailed = Signal(object)       # the ApiError (its user_message is what to show)
    pageLoaded = Signal(int)          # rows now loaded

    def __init__(self, fetch_page: PageFetcher, thumbnails: ThumbnailCache | None = None,
                 page_size: int = 24, parent=None) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self.thumbnails = thumbnails
        self.page_size = page_size
        self._items: list[SourceItem] = []
        self._by_key: dict[str, SourceItem] = {}
        self._rows: dict[str, int] | None = {}   # key -> row; None after rows moved (see _row_index)
        self._uploads = 0             # uploads occupy the first rows
        self._offset = 0              # API offset of the next page
        self._exhausted = True        # nothing is fetched before the first refresh() (token, account known)
        self._task: asyncio.Task | None = None
        self._generation = 0
        self._thumb_rows: dict[str, set[str]] = {}   # url -> keys waiting for it
        self._tiles: dict[str, TileText] = {}         # key -> texts of its tile (rows are immutable)
        self.email: str | None = None
        self.last_error: ApiError | None = None
        self.retrying: ApiError | None = None   # the passing fault a load waits out before trying again

    # -- Qt model interface ---------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        video = item.video
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            if video is None:
                return self.tr("Uploaded file: %s") % item.local_file
            return video.prompt or self.tr("(no prompt)")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.data(index, self.StatusLabelRole)}: {item.title}"
        if role == self.TileRole:
            return self._tile(item)
        if role == self.ItemRole:
            return item
        if role == self.KeyRole:
            return item.key
        if role == self.StatusGroupRole:
            return status_group(video.status) if video is not None else "UPLOAD"
        if role == self.StatusLabelRole:
            return self._badge_word(video)
        if role == self.PromptRole:
            return video.prompt if video is not None else ""
        if role == self.ThumbnailRole:
            return self._thumbnail(item)
        if role == self.TileImageRole:
            shaped = self.thumbnails.cached_tile(item.thumbnail) if self.thumbnails and item.thumbnail else None
            return shaped if shaped is not None else self._thumbnail(item)
        if role == self.DurationRole:
            return item.duration
        if role == self.ResolutionRole:
            return item.resolution
        if role == self.CreatedRole:
            return item.created_at
        return None

    def roleNames(self):
        return {Qt.ItemDataRole.DisplayRole: b"display", self.PromptRole: b"prompt",
                self.StatusGroupRole: b"status", self.ThumbnailRole: b"thumbnail"}

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and self._task is None

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._start_page()

    # -- loading --------------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._task is not None

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    @property
    def needs_first_page(self) -> bool:
        """No page is loading and none has brought videos yet: never asked for, or failed (no token
        then). Counting rows would not do: restored uploads may already fill the first ones."""
        return self._task is None and len(self._items) == self._uploads

    def set_account(self, email: str | None) -> None:
        if email != self.email:
            self.email = email
            self.refresh(keep=False)   # another account's videos are not shown while its own load

    def refresh(self, keep: bool = True) -> None:
        """Loads the first page again (uploads stay); the newest load wins. The videos listed stay until
        that page is in (``keep``): a refresh that failed had emptied the list (new-user pass)."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if not keep:
            self._drop_pages()
        self._offset = 0
        self._exhausted = False
        self._start_page()

    def _drop_pages(self) -> None:
        if len(self._items) > self._uploads:
            self.beginRemoveRows(QModelIndex(), self._uploads, len(self._items) - 1)
            del self._items[self._uploads:]
            self._by_key = {item.key: item for item in self._items}
            self._rows = None
            self.endRemoveRows()

    def _start_page(self) -> None:
        self.retrying = None   # a fault an earlier load was waiting out is not this one's
        generation = self._generation
        self._task = asyncio.ensure_future(self._load_page(generation))
        self.loadingChanged.emit(True)

    async def wait_idle(self) -> None:
        """Awaits the page being loaded, if any (tests, smoke test)."""
        while self._task is not None:
            await asyncio.shield(self._task)

    async def _load_page(self, generation: int) -> None:
        pauses = list(self.RETRY_AFTER_S)
        while True:
            try:
                page = await self._fetch_page(self.email, self.page_size, self._offset)
                break
            except asyncio.CancelledError:
                raise
            except Transient as exc:
                if not pauses or generation != self._generation:
                    self._failed(generation, exc)
                    return
                # A passing fault is tried again before it is shown: one 503 had ended the load until
                # F5 (the command line already retried; verification pass). Said while it waits.
                self.retrying = exc
                self.loadingChanged.emit(True)
                await asyncio.sleep(pauses.pop(0))
                if generation != self._generation:
                    return
            except ApiError as exc:
                self._failed(generation, exc)
                return
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged with its traceback
                log.exception("loading videos failed")
                self._failed(generation, ApiError(str(exc)))
                return
        self.retrying = None
        if generation != self._generation:
            return
        if self._offset == 0:
            self._drop_pages()   # the first page replaces what was listed
        self._offset += len(page)
        if len(page) < self.page_size:
            self._exhausted = True
        fresh = [SourceItem.from_video(v) for v in page if v.video_id and v.video_id not in self._by_key]
        if fresh:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._items.extend(fresh)
            for row in range(first, len(self._items)):   # appended: no row before them moves
                key = self._items[row].key
                self._by_key[key] = self._items[row]
                if self._rows is not None:
                    self._rows[key] = row
            self.endInsertRows()
        self._finish_page(None)

    def _failed(self, generation: int, error: ApiError) -> None:
        self.retrying = None
        if generation == self._generation:
            self._finish_page(error)

    def _finish_page(self, error: ApiError | None) -> None:
        self._task = None
        self.last_error = error
        if error is not None:
            self._exhausted = True  # the user refreshes to try again; no retry storm while scrolling
            self.loadFailed.emit(error)
        self.loadingChanged.emit(False)
        self.pageLoaded.emit(len(self._items))

    # -- rows -----------------------------------------------------------------------------------

    def _row_index(self) -> dict[str, int]:
        """Rows by key, counted again only when asked after rows moved: an insert at the top moves
        every row, and counting them at each insert (~1.3 ms for 5,000 videos) ran seven times in one
        poll as finished jobs came in (a 10-18 ms pause, bench_stall)."""
        if self._rows is None:
            self._rows = {item.key: row for row, item in enumerate(self._items)}
        return self._rows

    def row_of(self, key: str) -> int:
        return self._row_index().get(key, -1) if key in self._by_key else -1

    def item(self, row: int) -> SourceItem:
        return self._items[row]

    def find(self, key: str) -> SourceItem | None:
        return self._by_key.get(key)

    def uploads(self) -> list[SourceItem]:
        """The uploaded files, newest first (they occupy the first rows)."""
        return self._items[:self._uploads]

    def add_upload(self, item: SourceItem) -> int:
        """Puts an uploaded file at the top; returns its row."""
        if item.key in self._by_key:
            return self.row_of(item.key)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._items.insert(0, item)
        self._by_key[item.key] = item
        self._rows = None
        self._uploads += 1
        self.endInsertRows()
        return 0

    def upsert_video(self, video: Video) -> int:
        """Adds a video the app created (a finished extension) at the top of the account's list,
        or updates it in place; returns its row."""
        item = SourceItem.from_video(video)
        if item.key in self._by_key:
            row = self.row_of(item.key)
            self._items[row] = item
            self._by_key[item.key] = item
            self.dataChanged.emit(self.index(row), self.index(row))
            return row
        self.beginInsertRows(QModelIndex(), self._uploads, self._uploads)
        self._items.insert(self._uploads, item)
        self._by_key[item.key] = item
        self._rows = None
        self.endInsertRows()
        self._offset += 1  # the server's list shifted by one: keep paging aligned
        return self._uploads

    def thumbnail_url(self, key: str) -> str:
        item = self.find(key)
        return item.thumbnail if item else ""

    def _badge_word(self, video: Video | None) -> str:
        if video is None:
            return self.tr("UPLOADED")
        word = BADGE_WORDS.get(video.status)
        return self.tr(word) if word else video.status_label   # unknown: the code, "unknown (7)"

    def _tile(self, item: SourceItem) -> "TileText":
        tile = self._tiles.get(item.key)
        if tile is None or tile.item is not item:
            video = item.video
            group = status_group(video.status) if video is not None else "UPLOAD"
            label = self._badge_word(video)
            meta = " · ".join(p for p in (item.resolution, created_text(item.created_at)) if p)
            tile = TileText(item, item.title, group, label or group, seconds_text(item.duration), meta)
            if len(self._tiles) > 4 * len(self._items) + 64:
                self._tiles.clear()   # keys of rows that are gone
            self._tiles[item.key] = tile
        return tile

    # -- thumbnails -----------------------------------------------------------------------------

    def _thumbnail(self, item: SourceItem):
        url = item.thumbnail
        if not url or self.thumbnails is None:
            return None
        image = self.thumbnails.cached(url)
        if image is not None or self.thumbnails.has_failed(url):
            return image
        waiting = self._thumb_rows.get(url)
        if waiting is None:
            self._thumb_rows[url] = {item.key}
            asyncio.ensure_future(self._fetch_thumbnail(url))
        else:
            waiting.add(item.key)
        return None

    async def _fetch_thumbnail(self, url: str) -> None:
        try:
            await self.thumbnails.get(url)
        finally:
            for key in self._thumb_rows.pop(url, ()):
                row = self.row_of(key)
                if row >= 0:
                    idx = self.index(row)
                    self.dataChanged.emit(idx, idx, [self.ThumbnailRole, self.TileImageRole])


def seconds_text(value: float) -> str:
    """"5s" for the service's whole seconds; a local file to a tenth ("3.5s"; 4.96 s reads "5s")."""
    if not value or value <= 0:
        return ""
    return f"{value:.1f}".removesuffix(".0") + "s"


def created_text(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")
