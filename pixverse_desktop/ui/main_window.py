"""The main window: picker on the left, player and jobs in the middle, the extend form on the right."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QMainWindow
from qasync import asyncSlot

from pixverse_desktop import APP_NAME
from pixverse_desktop.api.errors import ApiError, ErrorKind, InvalidInput
from pixverse_desktop.api.schemas import ExtendRequest, Video, parse_video_id
from pixverse_desktop.jobs.engine import HOLDING
from pixverse_desktop.jobs.models import Job, JobState
from pixverse_desktop.media.thumbnails import ThumbnailCache
from pixverse_desktop.storage.settings import Settings

from .bindings import EngineBridge
from .confirm import confirm
from .form_values import apply_form_values, default_values
from .icons import app_icon
from .progress_estimate import TypicalDurations
from .state_restore import first_run_size, saved_source_key
from .token_manager import TokenManager
from .window_build import FRAME, build_steps
from .window_dialogs import WindowDialogs
from .video_list_model import SourceItem, VideoListModel
from .video_picker import VideoPicker

if TYPE_CHECKING:
    from .player import PlayerWidget   # built after the first frame (window_build)

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
    theme: object = None           # ui.theme.ThemeController (live colour-scheme changes), if any


class MainWindow(QMainWindow):
    quitRequested = Signal()        # File → Quit, Ctrl+Q, the tray's Quit (the window may be hidden)
    settingsApplied = Signal(object)   # frozenset of changed option keys: the app re-configures the engine

    def __init__(self, services: WindowServices, parent=None, *, build: bool = True) -> None:
        """``build=False`` leaves the panels to :meth:`build`, which lets the event loop run between
        them (the composition root); otherwise the window is complete when this returns."""
        super().__init__(parent)
        self.services = s = services
        self.engine = s.engine
        self._autoplay = True
        self._source_restored = False
        self._effects: asyncio.Future | None = None
        self._effects_loaded = False
        self._catching_up: asyncio.Future | None = None
        self._initial_loading = False
        self.dialogs = WindowDialogs(self)
        self.settingsApplied.connect(self.apply_new_defaults)
        self.setWindowTitle(self.tr("%s — Demo") % APP_NAME if s.demo else APP_NAME)
        self.setWindowIcon(app_icon())
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.resize(first_run_size(self.screen()))   # a saved geometry replaces it (restore_layout)

        self.bridge = EngineBridge(s.engine, self, held=True)   # released once the panels listen
        self.video_model = VideoListModel(
            lambda email, limit, offset: s.client.list_videos(email, limit=limit, offset=offset),
            s.thumbnails, page_size=s.page_size, parent=self)
        self._complete = False
        self._after_build: list[Callable[[], object]] = []   # see when_complete
        self._steps = build_steps(self)
        if build:
            for _ in self._steps:
                pass

    FRAME = FRAME   # what the build steps yield once the window can be shown (see build)

    async def build(self, between: Callable[[], None] = lambda: None, *, until_frame: bool = False) -> None:
        """Builds the panels one by one with turns of the event loop between them: requests already
        under way at start-up (the account list, the first page of videos) advance meanwhile instead of
        waiting for the whole window (bench_startup). ``between`` runs after each panel.

        ``until_frame`` stops once the window's frame stands: menus, toolbar, the video picker and
        the empty cards of the other panels, at their final sizes. The composition root shows that
        as the first frame (the videos are what a person looks for first) and then calls this again
        for the form, the player and the job list, which fill their cards a moment later."""
        await asyncio.sleep(0)
        for step in self._steps:
            for _turn in range(3):   # a request takes a few turns: connect, send, read the answer
                await asyncio.sleep(0)
            between()
            if until_frame and step == self.FRAME:
                return

    @property
    def complete(self) -> bool:
        return self._complete

    def when_complete(self, action: Callable[[], object]) -> None:
        """Runs ``action`` now if the panels are built, else right after they are (in order)."""
        if self._complete:
            action()
        else:
            self._after_build.append(action)

    def finish_build(self) -> None:
        self._complete = True
        pending, self._after_build = self._after_build, []
        for action in pending:
            action()

    # -- layout ---------------------------------------------------------------------------------

    def player_shown(self) -> bool:
        return not self._cards["player"].isHidden()

    def set_player_shown(self, shown: bool) -> None:
        """View → Show the player. In a narrow window it sits above the form (right_splitter); hidden,
        the form has all that room. Playing a result, Alt+4 or any player key bring it back
        (show_player); hidden, it is paused, so nothing plays unseen."""
        card = self._cards["player"]
        self.actions_by_name["show_player"].setChecked(shown)
        if shown != card.isHidden():
            return
        if not shown and self.complete:
            self.player.pause()
        focus = QApplication.focusWidget()
        if not shown and focus is not None and card.isAncestorOf(focus):
            self.picker.view.setFocus()   # not to the top of the window, where Qt would send it
        card.setVisible(shown)   # shown again, the splitter gives it at least its minimum width
        self.right_splitter.fit()   # and above the form if the window is too narrow for both side by side
        if self.complete:
            self.state.schedule()

    def show_player(self) -> PlayerWidget:
        """The player, shown if it was hidden (for what is about to play or take the keys)."""
        self.set_player_shown(True)
        return self.player

    # -- start-up -------------------------------------------------------------------------------

    def start_video_list(self) -> None:
        """The picker's accounts and its first page (the engine knows the accounts): needs only the
        picker, so the start-up asks for it while the other panels are still being built."""
        accounts = list(getattr(self.engine, "accounts", {}) or {})
        if self.video_model.email is None and not self._source_restored:
            # The list opens on the account of the last session's source, so that source can be chosen
            # again; it opened on the first account and lost a source of another (new-user pass).
            owner = parse_video_id(saved_source_key(self.services.settings))   # asked before the frame is up
            if owner and owner[1] in accounts:
                self.video_model.email = owner[1]
        self.picker.set_accounts(accounts)
        if self.video_model.needs_first_page:
            self.video_model.refresh()

    async def load_initial(self) -> None:
        """Accounts, the first page of videos and the effects list (the engine has started)."""
        self._initial_loading = True   # catch_up leaves these to it
        try:
            self.form.set_accounts(list(getattr(self.engine, "accounts", {}) or {}))
            self.start_video_list()
            self._effects = asyncio.ensure_future(self._load_effects())
            await self.video_model.wait_idle()
        finally:
            self._initial_loading = False
        if not self._source_restored:
            # Tried again after a list that could not load (a token refused, then fixed in the app):
            # the source was lost until a restart (new-user pass).
            self._source_restored = self.restore_source() or self.video_model.last_error is None

    def restore_source(self) -> bool:
        """Selects the source of the last session (without playing it) if it is in the list."""
        key = saved_source_key(self.services.settings)
        if not key:
            return False
        self._autoplay = False
        try:
            return self.picker.select_key(key)
        finally:
            self._autoplay = True

    async def upload_files(self, paths: list[str]) -> None:
        """Files from the command line (the .desktop file's %F): uploaded one after another."""
        for path in paths:
            if not (os.path.isfile(path) and self.picker.is_video_file(path)):
                self.show_status(self.tr("Not a video file this app can upload: %s") % path)
                continue
            while self.picker.upload_task is not None:   # one upload at a time (a drop may be running)
                await asyncio.wait([self.picker.upload_task])
            task = self.picker.upload(path)
            if task is not None:
                await asyncio.wait([task])

    def cancel_loads(self) -> None:
        """Stops what the window still fetches (the effects list) before the HTTP client closes: cut
        off, it logged "effects unavailable" on every quick exit."""
        for task in (self._effects, self._catching_up):
            if task is not None:
                task.cancel()

    async def _load_effects(self) -> None:
        try:
            effects = await self.services.client.effects(self.video_model.email)
        except ApiError as exc:
            log.info("effects unavailable: %s", exc.user_message)
            return
        self.form.effect.set_effects(effects, self.services.thumbnails)
        self._effects_loaded = True

    def catch_up(self, _rows: int = 0) -> None:
        """The service answers (a page of videos came): what could not load when it did not (the app
        started while it was unreachable, or one 503) is loaded now. The effects and the accounts had
        stayed empty for the whole session, silently (network-failure pass)."""
        if self._initial_loading or (self._catching_up is not None and not self._catching_up.done()):
            return
        missing_accounts = not getattr(self.engine, "accounts", None)
        effects_idle = self._effects is None or self._effects.done()
        if missing_accounts or (not self._effects_loaded and effects_idle and self._effects is not None):
            self._catching_up = asyncio.ensure_future(self._catch_up(missing_accounts))

    async def _catch_up(self, accounts: bool) -> None:
        if accounts and await self.engine.refresh_accounts():   # (it says itself why it could not)
            emails = list(self.engine.accounts)
            self.form.set_accounts(emails)
            self.picker.set_accounts(emails)
        if not self._effects_loaded and (self._effects is None or self._effects.done()):
            self._effects = asyncio.ensure_future(self._load_effects())

    async def ask_token(self, first_run: bool = True) -> bool:
        from .token_dialog import TokenDialog  # first use only: not on the start-up path

        ok = await TokenDialog(self.services.tokens, self, first_run=first_run).ask()
        if ok:
            self.banner.clear()
            self.engine.token_changed()
            await self.engine.refresh_accounts()
            await self.load_initial()
        elif not self.services.tokens.token:
            self.show_account_problem("no_token", "")
        return ok

    @asyncSlot()
    async def replace_token(self) -> None:
        await self.ask_token(first_run=False)

    def open_settings(self) -> None:
        self.dialogs.settings()

    DEFAULT_FIELDS = {"default_duration": "duration", "default_quality": "quality",
                      "default_motion": "motion_mode", "default_style": "style"}

    def apply_new_defaults(self, keys: frozenset) -> None:
        """New defaults saved in Settings are put into the form at once: they only reached it through
        Presets → Defaults, so "8 seconds" saved as the default left the form at 5 (new-user pass)."""
        fields = {self.DEFAULT_FIELDS[k] for k in keys if k in self.DEFAULT_FIELDS}
        if fields and self.complete:
            defaults = default_values(self.services.settings)
            apply_form_values(self.form, {f: defaults[f] for f in fields})
            self.show_status(self.tr("The new defaults are in the form."))

    def focus_prompt(self) -> None:
        """Alt+2, or Enter on a video."""
        self.form.focus_prompt()

    def focus_filter(self) -> None:
        self.picker.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.picker.filter_edit.selectAll()

    # -- events ---------------------------------------------------------------------------------

    def confirm_quit(self) -> None:
        """File → Quit, Ctrl+Q, the tray's Quit. Jobs not sent yet are said first: they stay in the
        journal and go out at the next start, perhaps much later (it quit without a word; new-user
        pass). Sent jobs need no word: the service goes on with them and they are followed later."""
        waiting = [j for j in self.engine.jobs() if j.state in (JobState.PENDING, JobState.WAITING_SLOT)]
        if not waiting:
            self.quitRequested.emit()
            return
        text = (self.tr("One job is not sent yet. It stays in the job list and is sent the next time "
                        "PixVerse Desktop starts.") if len(waiting) == 1 else
                self.tr("%d jobs are not sent yet. They stay in the job list and are sent the next time "
                        "PixVerse Desktop starts.") % len(waiting))
        self._quit_box = confirm(self, "QuitWithUnsentBox", self.tr("Quit PixVerse Desktop"), text, self.tr("Quit"),
                                 self.quitRequested.emit, destructive=False)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def closeEvent(self, event) -> None:
        if self.complete:   # a window closed while it was still being built has nothing of its own yet
            self.state.save()
        super().closeEvent(event)

    def _account_error(self, error: ApiError) -> None:
        kind = next((kind for cls, kind, _every in HOLDING if isinstance(error, cls)), "unauthorized")
        self.show_account_problem(kind, error.user_message, self.video_model.email)

    def show_account_problem(self, kind: str, message: str, email: str | None = None) -> None:
        """A 401 while no token is set means none was entered, not that one was refused."""
        if kind == "unauthorized" and not self.services.tokens.token:
            kind, email = "no_token", None
        self.banner.show_problem(kind, message, email)

    def _retry_account(self, email) -> None:
        self.banner.clear(email)
        self.engine.clear_account_problem(email)
        self.picker.refresh()

    def _source_selected(self, item: SourceItem) -> None:
        image = self.services.thumbnails.cached(item.thumbnail) if item.thumbnail else None
        self.form.set_source(item, image)
        self.player.load(item.play_url, autoplay=self._autoplay and self.player_shown())

    def _maybe_refresh_source_image(self, top, _bottom, roles=()) -> None:
        source = self.form.source
        if source is not None and top.data(VideoListModel.KeyRole) == source.key:
            self.form.set_source_image(self.services.thumbnails.cached(source.thumbnail))

    def submit(self, req: ExtendRequest, variations: int = 1) -> list[Job]:
        if not self.services.tokens.token:
            # Nothing can be sent without one: asked for now, rather than a job that fails with "token
            # not accepted" although none was entered (new-user pass). The form keeps what was typed.
            self.show_status(self.tr("Enter your useapi.net API token to extend; nothing was sent."))
            self.replace_token()
            return []
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
        self.show_status(self.tr("1 job sent to the queue") if len(jobs) == 1
                         else self.tr("%d jobs sent to the queue") % len(jobs))
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
                     video_duration=job.video_duration, duration=job.request.duration,
                     # When the service took it: the tile had no date until a refresh (new-user pass).
                     created_at=datetime.fromtimestamp(job.accepted_at or job.created_at, timezone.utc))

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
        # The saved copy if it is still there, else the service's (a moved file had failed to play).
        local = job.local_path if job.local_path and os.path.exists(job.local_path) else ""
        self.show_player().load(local or job.result_url, compare_with=source.play_url if source else "")

    def extend_again(self, job: Job) -> None:
        """The finished job's result becomes the new source (a chained extension)."""
        video = self.result_video(job)
        self.video_model.upsert_video(video)
        if not self.picker.select_key(video.video_id):
            self.picker.remember_choice(video.video_id)
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
