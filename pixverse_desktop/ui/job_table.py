"""The job table: rows from the engine, and the row actions (play, save, re-run, retry, remove, …)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu, QTableView, QToolButton,
    QVBoxLayout, QWidget,
)

from pixverse_desktop.api.errors import InvalidInput
from pixverse_desktop.jobs.downloads import result_file_name
from pixverse_desktop.jobs.models import Job, JobState

from . import shortcuts
from .icons import legible_file_dialog
from .job_delegates import ProgressDelegate, StatusDelegate
from .job_table_model import COLUMNS, JobTableModel
from .theme import OpaqueViewport


# The fixed columns, and narrower ones below COMPACT_BELOW px: at 800 px the fixed ones took ~600 px
# and left the prompt and the message ~75 px each (new-user pass).
WIDTHS = {"source": 76, "parameters": 170, "status": 160, "elapsed": 60, "progress": 140}
COMPACT_WIDTHS = {"source": 60, "parameters": 128, "status": 124, "elapsed": 54, "progress": 96}
COMPACT_BELOW = 1000


class JobTable(QWidget):
    playRequested = Signal(object)          # Job
    extendAgainRequested = Signal(object)   # Job
    message = Signal(str)

    def __init__(self, model: JobTableModel, engine, library_dir: str = "", parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.engine = engine
        self.library_dir = library_dir
        self._pending_saves: dict[str, str] = {}   # job id -> target path, waiting for the download

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.view = QTableView()
        OpaqueViewport(self.view)   # repaints without the frame behind (see theme.py)
        self.view.setAccessibleName(self.tr("Jobs"))
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)   # Tab leaves the table (arrows move inside): no focus trap
        # M, L and C reach the player from here too; a letter jumped to a job instead, and Delete then
        # removed that one, not the one playing (new-user pass; shortcuts.KeysForControls).
        self.view.setProperty("typeAhead", False)
        self.view.setIconSize(JobTableModel.ICON_SIZE)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(44)
        self.view.setItemDelegateForColumn(COLUMNS.index("progress"), ProgressDelegate(self.view))
        self.view.setItemDelegateForColumn(COLUMNS.index("status"), StatusDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        self._compact: bool | None = None
        self._fit_columns()
        # The prompt and the message share what is left: in a window half a screen wide a fixed 280 px
        # prompt pushed the progress and the message (why a job failed) out of sight (new-user pass).
        for name in ("prompt", "message"):
            header.setSectionResizeMode(COLUMNS.index(name), QHeaderView.ResizeMode.Stretch)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _i: self.play())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        model.dataChanged.connect(lambda *_: self._update_actions())

        specs = [   # keys come from the shortcuts table, so the help dialog lists them
            ("play", self.tr("Play"), self.play, "job_play"),
            ("extend_again", self.tr("Extend again"), self.extend_again, "job_extend_again"),
            ("save", self.tr("Save as…"), lambda: self.save_as(), "job_save"),
            ("folder", self.tr("Open folder"), self.open_folder, None),
            ("copy", self.tr("Copy video ID"), self.copy_video_id, "job_copy"),
            ("rerun", self.tr("Re-run"), self.rerun, "job_rerun"),
            ("retry", self.tr("Retry"), self.retry, "job_retry"),
            ("remove", self.tr("Remove"), self.remove, "job_remove"),
        ]
        self.actions_by_name: dict[str, QAction] = {}
        self._removed: list[str] = []   # jobs taken off the list, the last one last (see undo_remove)
        self.undo_action = shortcuts.make_action(self, "job_undo_remove", self.undo_remove)
        self.addAction(self.undo_action)   # a key only: the bar of buttons is full
        tips = {"retry": self.tr("Send this failed job's request again as a new job"),
                "rerun": self.tr("Start a new job with exactly the same settings")}
        bar = QHBoxLayout()
        title = QLabel(self.tr("Jobs"))
        title.setObjectName("CardTitle")
        bar.addWidget(title)
        bar.addStretch(1)
        self.tab_chain: list[QWidget] = [self.view]
        for name, text, slot, key in specs:
            if key:
                action = shortcuts.make_action(self, key, slot, label=text)
            else:
                action = QAction(text, self)
                action.triggered.connect(slot)
            if name in tips:
                action.setToolTip(tips[name])
            self.addAction(action)
            self.actions_by_name[name] = action
            button = QToolButton()
            button.setDefaultAction(action)
            button.setAccessibleName(text)
            bar.addWidget(button)
            self.tab_chain.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._update_actions()

    # -- selection ------------------------------------------------------------------------------

    def selected_job(self) -> Job | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.mapToSource(rows[0]).data(JobTableModel.JobRole)

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.selectRow(index.row())
            self.view.scrollTo(index)

    def show_current_work(self) -> None:
        """Scrolled to the first job still running, else to the newest: after a restart the list opened
        at its oldest rows, and the resumed job was out of sight (new-user pass)."""
        rows = self.proxy.rowCount()
        for row in range(rows):
            job = self.proxy.index(row, 0).data(JobTableModel.JobRole)
            if job is not None and not job.state.is_final:
                self.view.scrollTo(self.proxy.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
                return
        self.view.scrollToBottom()

    def _update_actions(self) -> None:
        job = self.selected_job()
        done = job is not None and job.state is JobState.COMPLETED
        enabled = {
            "play": done and bool(job.local_path or job.result_url),
            "extend_again": done and bool(job.video_id),
            "save": done,
            "folder": done and bool(job.local_path or self.library_dir),
            "copy": job is not None and bool(job.video_id),
            "rerun": job is not None,
            # Not for a moderated job: the same prompt is refused again (its message says so).
            "retry": job is not None and job.state in (JobState.FAILED, JobState.NEEDS_ATTENTION)
                     and not job.moderated,
            "remove": job is not None and job.state is not JobState.SUBMITTING,
        }
        for name, action in self.actions_by_name.items():
            action.setEnabled(enabled[name])

    def _context_menu(self, pos) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for action in self.actions_by_name.values():
            menu.addAction(action)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    # -- actions --------------------------------------------------------------------------------

    def _engine_call(self, what, job: Job | None):
        if job is None:
            return None
        try:
            return what(job.id)
        except InvalidInput as exc:
            self.message.emit(exc.user_message)
        except (ValueError, KeyError) as exc:
            self.message.emit(str(exc.args[0]) if exc.args else self.tr("That is not possible for this job."))
        return None

    def play(self) -> None:
        job = self.selected_job()
        if job is not None and job.state is JobState.COMPLETED:
            self.playRequested.emit(job)

    def extend_again(self) -> None:
        job = self.selected_job()
        if job is not None and job.video_id:
            self.extendAgainRequested.emit(job)

    def rerun(self) -> None:
        new = self._engine_call(self.engine.rerun, self.selected_job())
        if new is not None:
            self.select_job(new.id)

    def retry(self) -> None:
        new = self._engine_call(self.engine.retry, self.selected_job())
        if new is not None:
            self.select_job(new.id)

    def remove(self) -> None:
        """Takes the job off the list (the journal keeps it), says so and how to bring it back: Delete
        had removed a row without a word."""
        job = self.selected_job()
        self._engine_call(self.engine.remove, job)
        removed = self.engine.get(job.id) if job is not None else None
        if removed is not None and removed.hidden:
            self._removed.append(job.id)
            prompt = " ".join(job.request.prompt.split())
            self.message.emit(self.tr("Removed “%s” from the list. %s brings it back.")
                              % (prompt if len(prompt) <= 40 else prompt[:39] + "…",
                                 shortcuts.primary("job_undo_remove")))

    def undo_remove(self) -> None:
        while self._removed:
            job = self.engine.get(self._removed.pop())
            if job is not None and job.hidden:
                self.engine.restore(job.id)
                self.select_job(job.id)
                self.message.emit(self.tr("The job is back in the list."))
                return

    def copy_video_id(self) -> None:
        job = self.selected_job()
        if job is not None and job.video_id:
            QGuiApplication.clipboard().setText(job.video_id)
            self.message.emit(self.tr("Copied %s") % job.video_id)

    def open_folder(self) -> None:
        job = self.selected_job()
        folder = os.path.dirname(job.local_path) if job is not None and job.local_path else self.library_dir
        if not folder:
            return
        problem = _made(folder)
        if problem:
            self.message.emit(self.tr("Could not open %s: %s") % (folder, problem))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            # No file manager answered: said, with the path, instead of nothing at all.
            self.message.emit(self.tr("No file manager could open the folder. It is %s") % folder)

    def save_as(self, target: str | None = None) -> None:
        job = self.selected_job()
        if job is None or job.state is not JobState.COMPLETED:
            return
        if not target:
            self._ask_target(job)
            return
        self._save_to(job, target)

    def _save_to(self, job: Job, target: str) -> None:
        if job.local_path and os.path.exists(job.local_path):
            if os.path.exists(target) and os.path.samefile(job.local_path, target):
                # The dialog offers the library's own copy: "… and … are the same file" (new-user pass)
                self.message.emit(self.tr("Already saved as %s") % target)
                return
            asyncio.ensure_future(self._copy(job.local_path, target))
            return
        try:
            self.engine.download(job.id)
        except (ValueError, KeyError) as exc:
            self.message.emit(str(exc.args[0]) if exc.args else self.tr("This video cannot be downloaded."))
            return
        self._pending_saves[job.id] = target
        self.message.emit(self.tr("Downloading the video before saving it…"))

    def job_updated(self, job: Job) -> None:
        """Finishes a pending "save as" once the download is there."""
        target = self._pending_saves.get(job.id)
        if target and job.local_path and os.path.exists(job.local_path):
            del self._pending_saves[job.id]
            asyncio.ensure_future(self._copy(job.local_path, target))

    def _ask_target(self, job: Job) -> None:
        """Where to save, in the library with the library's name for it (it opened in the app's working
        folder with the job id as the name). Opened, not exec()'d: no nested loop under qasync."""
        from PySide6.QtWidgets import QFileDialog   # first use: a dialog type is costly to load

        name = Path(job.local_path).name if job.local_path else \
            result_file_name(job.request.prompt, job.video_id or job.id)
        # Without the library folder (made by the first download) Qt would fall back to the cwd.
        library = self.library_dir
        start = os.path.join(library, name) if library and not _made(library) else name
        dialog = QFileDialog(self, self.tr("Save video as"), start, self.tr("MP4 video (*.mp4)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("mp4")
        dialog.fileSelected.connect(lambda target, job_id=job.id: self._save_chosen(job_id, target))
        self._save_dialog = dialog
        dialog.open()
        legible_file_dialog(dialog)

    def _save_chosen(self, job_id: str, target: str) -> None:
        job = self.model.job(job_id)   # the job the dialog was opened for, whatever is selected now
        if target and job is not None:
            self._save_to(job, target)

    async def _copy(self, source: str, target: str) -> None:
        try:
            await asyncio.to_thread(shutil.copyfile, source, target)
        except OSError as exc:
            self.message.emit(self.tr("Could not save the video: %s") % (exc.strerror or exc))
            return
        self.message.emit(self.tr("Saved to %s") % target)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        compact = self.width() < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            for name, width in (COMPACT_WIDTHS if compact else WIDTHS).items():
                self.view.setColumnWidth(COLUMNS.index(name), width)


def _made(folder: str) -> str:
    """Makes ``folder`` if missing (the library is made by the first download); why not, or ""."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        return str(exc.strerror or exc)
    return ""
