"""The main window: picker on the left, player and jobs in the middle, the extend form on the right."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QSplitter, QToolBar, QVBoxLayout, QWidget
from qasync import asyncSlot

from pixverse_desktop import APP_NAME
from pixverse_desktop.api.errors import (
    AccountPendingError, ApiError, ErrorKind, InsufficientCredits, InvalidInput,
)
from pixverse_desktop.api.schemas import ExtendRequest, Video
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.media.thumbnails import ThumbnailCache
from pixverse_desktop.storage.settings import Settings

from .account_banner import AccountBanner
from .bindings import EngineBridge
from .extend_form import ExtendForm
from .job_table import JobTable
from .job_table_model import JobTableModel
from .player import PlayerWidget
from .progress_estimate import TypicalDurations
from .settings_dialog import SettingsDialog
from .token_dialog import TokenDialog
from .token_manager import TokenManager
from .video_list_model import SourceItem, VideoListModel
from .video_picker import VideoPicker

log = logging.getLogger(__name__)


@dataclass
class WindowServices:
    """What the composition root hands the window: concrete objects, already built."""

    engine: object                 # jobs.engine.JobEngine
    client: object                 # api.client.PixverseClient (list_videos, effects, upload_file)
    thumbnails: ThumbnailCache
    tokens: TokenManager
    settings: Settings
    library_dir: str = ""
    thumb_dir: str = ""
    demo: bool = False
    status_text: str = ""
    typical: TypicalDurations = TypicalDurations()
    page_size: int = 24


def card(widget: QWidget, margins: int = 10) -> QFrame:
    frame = QFrame()
    frame.setObjectName("Card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.addWidget(widget)
    return frame


class MainWindow(QMainWindow):
    firstPaint = Signal()

    def __init__(self, services: WindowServices, parent=None) -> None:
        super().__init__(parent)
        self.services = s = services
        self.engine = s.engine
        self._painted = False
        self.setWindowTitle(f"{APP_NAME} — Demo" if s.demo else APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1480, 920)

        self.bridge = EngineBridge(s.engine, self)
        self.video_model = VideoListModel(
            lambda email, limit, offset: s.client.list_videos(email, limit=limit, offset=offset),
            s.thumbnails, page_size=s.page_size, parent=self)
        self.job_model = JobTableModel(s.thumbnails, source_thumbnail=self._source_thumbnail,
                                       typical=s.typical, parent=self)
        self.picker = VideoPicker(self.video_model, s.client.upload_file, s.thumb_dir)
        self.form = ExtendForm()
        self.player = PlayerWidget()
        self.jobs = JobTable(self.job_model, s.engine, s.library_dir)
        self.banner = AccountBanner()

        self.form.setMinimumWidth(360)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(card(self.picker))
        top.addWidget(card(self.player))
        top.addWidget(card(self.form))
        top.setSizes([480, 600, 400])
        top.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(card(self.jobs))
        main.setSizes([600, 280])
        main.setStretchFactor(0, 1)
        self.splitter = main
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)
        self.setCentralWidget(body)
        self._build_toolbar()
        self.status_label = QLabel(s.status_text)
        self.statusBar().addWidget(self.status_label, 1)

        self.bridge.jobChanged.connect(self._job_changed)
        self.bridge.jobRemoved.connect(self.job_model.remove)
        self.bridge.accountProblem.connect(lambda p: self.banner.show_problem(p.kind, p.message, p.email))
        self.bridge.accountCleared.connect(lambda c: self.banner.clear(c.email))
        self.banner.enterTokenRequested.connect(self.replace_token)
        self.banner.retryRequested.connect(self._retry_account)
        self.picker.sourceSelected.connect(self._source_selected)
        self.picker.accountError.connect(self._account_error)
        self.form.extendRequested.connect(self.submit)
        self.jobs.playRequested.connect(self.play_job)
        self.jobs.extendAgainRequested.connect(self.extend_again)
        self.jobs.message.connect(self.show_status)
        self.player.mediaError.connect(self.show_status)
        self.video_model.dataChanged.connect(self._maybe_refresh_source_image)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.form.trigger_extend)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=self.player.toggle_play)
        QShortcut(QKeySequence("F5"), self, activated=self.picker.refresh)
        self.job_model.set_jobs(s.engine.jobs())

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setMovable(False)
        bar.setObjectName("MainToolbar")
        brand = QLabel(f"<b>{APP_NAME}</b>" + ("  <span style='color:#7c5cff'>DEMO</span>"
                                                if self.services.demo else ""))
        brand.setContentsMargins(4, 0, 16, 0)
        bar.addWidget(brand)
        for text, slot, key in ((self.tr("Add local video…"), self.picker.choose_file, "Ctrl+O"),
                                (self.tr("Refresh"), self.picker.refresh, None),
                                (self.tr("Settings"), self.open_settings, "Ctrl+,")):
            action = QAction(text, self)
            action.triggered.connect(slot)
            if key:
                action.setShortcut(QKeySequence(key))
            bar.addAction(action)
        self.addToolBar(bar)

    # -- start-up -------------------------------------------------------------------------------

    async def load_initial(self) -> None:
        """Accounts, the first page of videos and the effects list (the engine has started)."""
        emails = list(getattr(self.engine, "accounts", {}) or {})
        self.form.set_accounts(emails)
        self.picker.set_accounts(emails)
        if self.video_model.rowCount() == 0 and not self.video_model.loading:
            self.video_model.refresh()
        asyncio.ensure_future(self._load_effects())
        await self.video_model.wait_idle()

    async def _load_effects(self) -> None:
        try:
            effects = await self.services.client.effects(self.video_model.email)
        except ApiError as exc:
            log.info("effects unavailable: %s", exc.user_message)
            return
        self.form.effect.set_effects(effects, self.services.thumbnails)

    async def ask_token(self, first_run: bool = True) -> bool:
        ok = await TokenDialog(self.services.tokens, self, first_run=first_run).ask()
        if ok:
            self.banner.clear()
            self.engine.token_changed()
            await self.engine.refresh_accounts()
            await self.load_initial()
        return ok

    @asyncSlot()
    async def replace_token(self) -> None:
        await self.ask_token(first_run=False)

    @asyncSlot()
    async def open_settings(self) -> None:
        dialog = SettingsDialog(self.services.settings, self.services.tokens, self)
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda r: done.done() or done.set_result(r))
        dialog.open()
        await done

    # -- events ---------------------------------------------------------------------------------

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.firstPaint.emit()
        return super().event(event)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _account_error(self, error: ApiError) -> None:
        kind = ("credits" if isinstance(error, InsufficientCredits) else
                "pending_error" if isinstance(error, AccountPendingError) else "unauthorized")
        self.banner.show_problem(kind, error.user_message, self.video_model.email)

    def _retry_account(self, email) -> None:
        self.banner.clear(email)
        self.engine.clear_account_problem(email)
        self.picker.refresh()

    def _source_selected(self, item: SourceItem) -> None:
        image = self.services.thumbnails.cached(item.thumbnail) if item.thumbnail else None
        self.form.set_source(item, image)
        self.player.load(item.play_url)

    def _maybe_refresh_source_image(self, top, _bottom, roles=()) -> None:
        source = self.form.source
        if source is not None and top.data(VideoListModel.KeyRole) == source.key:
            self.form.set_source_image(self.services.thumbnails.cached(source.thumbnail))

    def submit(self, req: ExtendRequest, variations: int = 1) -> list[Job]:
        try:
            if variations > 1:
                jobs = self.engine.submit_variations(req, variations)
            else:
                jobs = [self.engine.submit(req)]
        except InvalidInput as exc:
            self.form.show_field_errors(exc.errors, exc.user_message)
            return []
        self.form.show_message("")
        self.jobs.select_job(jobs[-1].id)
        self.show_status(self.tr("%d job(s) sent to the queue") % len(jobs))
        return jobs

    def _job_changed(self, job: Job) -> None:
        self.job_model.upsert(job)
        self.jobs.job_updated(job)
        if job.state is JobState.FAILED and job.error_kind is ErrorKind.INPUT and \
                self.form.request().source == job.request.source:
            self.form.show_message(job.message)
        if job.state is JobState.COMPLETED and job.video_id:
            email = job.account or job.request.account_hint
            if self.video_model.email in (None, email):
                self.video_model.upsert_video(self.result_video(job))

    # -- results --------------------------------------------------------------------------------

    @staticmethod
    def result_video(job: Job) -> Video:
        return Video(video_id=job.video_id or "", status_code=1, status_name="COMPLETED", status_final=True,
                     prompt=job.request.prompt, quality=job.request.quality, url=job.result_url,
                     first_frame=job.thumbnail_url, output_width=job.width, output_height=job.height,
                     video_duration=job.video_duration, duration=job.request.duration)

    def _source_item(self, job: Job) -> SourceItem | None:
        req = job.request
        key = req.video_id or ("upload:" + req.video_path if req.video_path else "")
        item = self.video_model.find(key) if key else None
        if item is None and req.video_id:
            parent = next((j for j in self.engine.jobs() if j.video_id == req.video_id), None)
            if parent is not None:
                item = SourceItem.from_video(self.result_video(parent))
        return item

    def _source_thumbnail(self, job: Job) -> str:
        item = self._source_item(job)
        return item.thumbnail if item else ""

    def play_job(self, job: Job) -> None:
        source = self._source_item(job)
        self.player.load(job.local_path or job.result_url, compare_with=source.play_url if source else "")

    def extend_again(self, job: Job) -> None:
        """The finished job's result becomes the new source (a chained extension)."""
        video = self.result_video(job)
        self.video_model.upsert_video(video)
        if not self.picker.select_key(video.video_id):
            self._source_selected(SourceItem.from_video(video))
        self.form.prompt.setFocus()

    # -- drag and drop --------------------------------------------------------------------------

    def _dropped_video(self, mime) -> str:
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and VideoPicker.is_video_file(url.toLocalFile()):
                return url.toLocalFile()
        return ""

    def dragEnterEvent(self, event) -> None:
        if self._dropped_video(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_video(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.picker.upload(path)
