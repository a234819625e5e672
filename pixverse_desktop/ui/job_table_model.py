"""The job table's model: one row per job, keyed by job id (a dict index), fed by engine events.

Columns: source thumbnail, prompt, key parameters, status, elapsed time, progress, message. A one-second
tick repaints only the elapsed/progress cells of unfinished rows.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSize, QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage

from pixverse_desktop.api.errors import ErrorKind
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.media.thumbnails import ThumbnailCache

from .effect_names import effect_text
from .progress_estimate import TypicalDurations, estimate_progress

# JobState.label in words lupdate can see (the jobs layer has no Qt, so no tr() of its own).
STATE_TEXT = {
    JobState.PENDING: QT_TRANSLATE_NOOP("JobTableModel", "Waiting to send"),
    JobState.SUBMITTING: QT_TRANSLATE_NOOP("JobTableModel", "Sending…"),
    JobState.WAITING_SLOT: QT_TRANSLATE_NOOP("JobTableModel", "Waiting for a free slot"),
    JobState.QUEUED: QT_TRANSLATE_NOOP("JobTableModel", "Queued"),
    JobState.GENERATING: QT_TRANSLATE_NOOP("JobTableModel", "Generating"),
    JobState.COMPLETED: QT_TRANSLATE_NOOP("JobTableModel", "Completed"),
    JobState.FAILED: QT_TRANSLATE_NOOP("JobTableModel", "Failed"),
    JobState.NEEDS_ATTENTION: QT_TRANSLATE_NOOP("JobTableModel", "Needs attention"),
}
COLUMNS = ("source", "prompt", "parameters", "status", "elapsed", "progress", "message")
Role = Qt.ItemDataRole.UserRole


def format_elapsed(seconds: float) -> str:
    seconds = int(max(0, seconds))
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def parameters_text(job: Job) -> str:
    req = job.request
    parts = [f"{req.duration}s", req.quality, req.motion_mode]
    if req.style:
        parts.append(req.style)
    if req.seed is not None:
        parts.append(QCoreApplication.translate("JobTableModel", "seed %s") % req.seed)
    if req.template_id:
        parts.append(effect_text(req.template_id))
    return " · ".join(parts)


class JobTableModel(QAbstractTableModel):
    ICON_SIZE = QSize(64, 36)   # the source thumbnail's size in the table (JobTable sets it on its view)
    ICONS_KEPT = 64
    JobRole = Role + 1
    ProgressRole = Role + 2
    StateRole = Role + 3
    IdRole = Role + 4

    def __init__(self, thumbnails: ThumbnailCache | None = None, *,
                 source_thumbnail: Callable[[Job], str] | None = None,
                 typical: TypicalDurations = TypicalDurations(),
                 clock: Callable[[], float] = time.time, tick_ms: int = 1000, parent=None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.source_thumbnail = source_thumbnail or (lambda job: "")
        self.typical = typical
        self.clock = clock
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._jobs: dict[str, Job] = {}
        self._thumb_pending: set[str] = set()
        self._unknown_sources: set[str] = set()   # jobs whose source was not in the video list yet
        self._icons: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._shown_progress: dict[str, int | None] = {}   # job id -> percentage the last tick showed
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._headers = {
            "source": self.tr("Source"), "prompt": self.tr("Prompt"), "parameters": self.tr("Settings"),
            "status": self.tr("Status"), "elapsed": self.tr("Time"), "progress": self.tr("Progress"),
            "message": self.tr("Message"),
        }

    # -- updates from the engine ----------------------------------------------------------------

    def set_jobs(self, jobs: list[Job]) -> None:
        self.beginResetModel()
        self._ids = [j.id for j in jobs if not j.hidden]
        self._jobs = {j.id: j for j in jobs if not j.hidden}
        self._index = {job_id: row for row, job_id in enumerate(self._ids)}
        self.endResetModel()

    def upsert(self, job: Job) -> None:
        if job.hidden:
            self.remove(job.id)
            return
        row = self._index.get(job.id)
        self._jobs[job.id] = job
        if row is None:
            # A job brought back (Ctrl+Z) returns to its place by when it was made (it came back at the
            # bottom; new-user pass); a new job is the newest, at the end, as before.
            row = len(self._ids)
            while row and self._jobs[self._ids[row - 1]].created_at > job.created_at:
                row -= 1
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, job.id)
            if row == len(self._ids) - 1:
                self._index[job.id] = row
            else:
                self._index = {jid: r for r, jid in enumerate(self._ids)}
            self.endInsertRows()
        else:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def remove(self, job_id: str) -> None:
        row = self._index.get(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        del self._jobs[job_id]
        self._shown_progress.pop(job_id, None)
        self._index = {jid: r for r, jid in enumerate(self._ids)}
        self.endRemoveRows()

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def job_at(self, row: int) -> Job:
        return self._jobs[self._ids[row]]

    def row_of(self, job_id: str) -> int:
        return self._index.get(job_id, -1)

    def _tick(self) -> None:
        """Every second: the elapsed time of unfinished jobs, and their progress bars only where the
        shown percentage moved (a long job's bar moves a step every half-minute or so, and the bars
        were most of the idle window's painting). One signal per column for the span of rows, not one
        per row: the view repaints only the cells it shows either way."""
        now = self.clock()
        rows, moved = [], []
        for job_id, row in self._index.items():
            job = self._jobs[job_id]
            if job.state.is_final:
                continue
            rows.append(row)
            progress = estimate_progress(job, now, self.typical)
            shown = None if progress is None else round(progress * 100)
            if self._shown_progress.get(job_id, -1) != shown:
                self._shown_progress[job_id] = shown
                moved.append(row)
        elapsed, bar = COLUMNS.index("elapsed"), COLUMNS.index("progress")
        if rows:
            self.dataChanged.emit(self.index(min(rows), elapsed), self.index(max(rows), elapsed),
                                  [Qt.ItemDataRole.DisplayRole])
        if moved:
            self.dataChanged.emit(self.index(min(moved), bar), self.index(max(moved), bar),
                                  [Qt.ItemDataRole.DisplayRole, self.ProgressRole])

    # -- Qt model interface ---------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        job = self._jobs[self._ids[index.row()]]
        column = COLUMNS[index.column()]
        if role == self.JobRole:
            return job
        if role == self.IdRole:
            return job.id
        if role == self.StateRole:
            return job.state.value   # a plain str: Qt would flatten the str-enum anyway
        if role == self.ProgressRole:
            return estimate_progress(job, self.clock(), self.typical)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "prompt":
                return job.request.prompt
            if column == "message" and job.message:
                return job.message
            if column == "parameters":   # the cell is cut short ("5s · 540p · fast · anime · see…")
                account = job.account or job.request.email   # its results are listed under that account
                return parameters_text(job) + ("\n" + self.tr("Account: %s") % account if account else "")
            if column == "source":
                return job.request.source
            if column == "status":
                return self.status_text(job)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == "source":
            return self._source_image(job)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "elapsed":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._headers[column]}: {self._display(job, column) or ''}"
        return None

    def status_text(self, job: Job) -> str:
        state = job.state
        if state is JobState.WAITING_SLOT:
            # The same state holds a send that could not connect: that is not a busy service.
            unsent = job.error_kind is ErrorKind.TRANSIENT
            if job.next_try_at:
                when = datetime.fromtimestamp(job.next_try_at).strftime("%H:%M:%S")
                return (self.tr("Not sent yet (next try %s)") if unsent else
                        self.tr("Waiting for a free slot (next try %s)")) % when
            return self.tr("Not sent yet") if unsent else self.tr("Waiting for a free slot")
        if state is JobState.FAILED and job.error_kind is ErrorKind.ACCOUNT:
            return self.tr("Failed: account problem")
        if state in (JobState.QUEUED, JobState.GENERATING) and job.status_label and \
                job.status_label.startswith("unknown"):
            return self.tr("Status %s") % job.status_label
        return self.tr(STATE_TEXT.get(state, state.label))

    def _display(self, job: Job, column: str):
        if column == "source":
            return None
        if column == "prompt":
            return job.request.prompt.replace("\n", " ")
        if column == "parameters":
            return parameters_text(job)
        if column == "status":
            return self.status_text(job)
        if column == "elapsed":
            return format_elapsed(job.elapsed)
        if column == "progress":
            progress = estimate_progress(job, self.clock(), self.typical)
            return "" if progress is None else f"{round(progress * 100)}%"
        if column == "message":
            if job.state is JobState.COMPLETED and job.download_total and \
                    job.download_done < job.download_total:
                return self.tr("Downloading… %d%%") % (100 * job.download_done // job.download_total)
            # Not the status again ("Queued | Queued"): the message only where it says more.
            return "" if job.message in (job.state.label, self.status_text(job)) else job.message
        return None

    def _source_image(self, job: Job):
        if self.thumbnails is None:
            return None
        url = self.source_thumbnail(job)
        if not url:
            self._unknown_sources.add(job.id)
            return None
        image = self.thumbnails.cached(url)
        if image is None and url not in self._thumb_pending and not self.thumbnails.has_failed(url):
            self._thumb_pending.add(url)
            asyncio.ensure_future(self._fetch_thumbnail(url))
        return self._icon(url, image) if image is not None else None

    def sources_listed(self) -> None:
        """The video list has new rows: jobs whose source was not among them are drawn again (their
        thumbnails stayed blank after a list that first failed, say for a token fixed later)."""
        unknown, self._unknown_sources = self._unknown_sources, set()
        column = COLUMNS.index("source")
        for job_id in unknown:
            row = self._index.get(job_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, column), self.index(row, column),
                                      [Qt.ItemDataRole.DecorationRole])

    def _icon(self, url: str, image: QImage) -> QImage:
        """The thumbnail at ICON_SIZE, made once: a QImage decoration is drawn at its own size (the
        view's icon size only scales icons), so the 320x180 thumbnail showed as a cropped corner of
        itself. Sharp on the sharpest screen."""
        key = (url, image.cacheKey())
        icon = self._icons.get(key)
        if icon is not None:
            self._icons.move_to_end(key)
            return icon
        ratio = QGuiApplication.instance().devicePixelRatio()
        icon = image.scaled(self.ICON_SIZE * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)
        icon.setDevicePixelRatio(ratio)
        self._icons[key] = icon
        while len(self._icons) > self.ICONS_KEPT:
            self._icons.popitem(last=False)
        return icon

    async def _fetch_thumbnail(self, url: str) -> None:
        try:
            await self.thumbnails.get(url)
        finally:
            self._thumb_pending.discard(url)
            column = COLUMNS.index("source")
            for job_id, row in self._index.items():
                if self.source_thumbnail(self._jobs[job_id]) == url:
                    self.dataChanged.emit(self.index(row, column), self.index(row, column),
                                          [Qt.ItemDataRole.DecorationRole])
