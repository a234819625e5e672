"""The system tray: running jobs in its menu, Show/Hide, Quit, and a notification when a job finishes.

The menu is rebuilt from the job model whenever the set of running jobs (or their states) changes, so
it is correct even where there is no tray to show it (offscreen, some Wayland desktops): the window
then gets the same news in its status bar. Notifications that arrive together (N variations finishing
within a moment) are merged into one message instead of a burst.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from functools import lru_cache

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from pixverse_desktop import APP_NAME
from pixverse_desktop.jobs.models import Job, JobState

from .icons import app_icon
from .theme import STATUS_COLORS

if TYPE_CHECKING:
    from .main_window import MainWindow

MAX_MENU_JOBS = 10
PROMPT_CHARS = 42


@lru_cache(maxsize=16)
def status_dot(state: str) -> QIcon:
    """A dot in the job table's status colour, drawn at 1x and 2x for high-DPI menus."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(16 * scale, 16 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(STATUS_COLORS.get(state, STATUS_COLORS["PENDING"])))
        painter.drawEllipse(QRectF(4, 4, 8, 8))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def short(text: str, limit: int = PROMPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class TrayController(QObject):
    notified = Signal(str, str)   # title, body: what was announced (tray message and/or status bar)

    def __init__(self, window: "MainWindow", coalesce_ms: int = 400) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.services.settings
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.menu = QMenu(window)
        self.menu.setObjectName("TrayMenu")
        self.menu.setAccessibleName(self.tr("%s tray menu") % APP_NAME)
        self.menu.aboutToShow.connect(self.rebuild)
        self.tray = QSystemTrayIcon(app_icon(), self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._activated)
        self.tray.messageClicked.connect(self._message_clicked)
        jobs = window.engine.jobs()
        self._states: dict[str, JobState] = {j.id: j.state for j in jobs}
        # Kept up to date from job events (no scan of the whole table per event: downloads report often).
        self._running: dict[str, Job] = {j.id: j for j in jobs if not j.state.is_final and not j.hidden}
        self._finished: list[Job] = []
        self._last_job_id = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(coalesce_ms)
        self._timer.timeout.connect(self._flush)
        # One rebuild per burst (N variations submitted at once), not one per event.
        self._menu_timer = QTimer(self)
        self._menu_timer.setSingleShot(True)
        self._menu_timer.setInterval(50)
        self._menu_timer.timeout.connect(self.rebuild)
        window.bridge.jobChanged.connect(self.job_changed)
        window.bridge.jobRemoved.connect(self._job_removed)
        window.installEventFilter(self)   # Show/Hide in the menu follows the window
        self.rebuild()
        if self.available:
            self.tray.show()

    # -- the menu -------------------------------------------------------------------------------

    def running_jobs(self) -> list[Job]:
        return sorted(self._running.values(), key=lambda j: j.created_at)

    def _job_removed(self, job_id: str) -> None:
        if self._running.pop(job_id, None) is not None:
            self._menu_timer.start()

    def rebuild(self) -> None:
        self._menu_timer.stop()
        running = self.running_jobs()
        self.menu.clear()
        header = self.menu.addAction(self.tr("Running jobs (%d)") % len(running) if running
                                     else self.tr("No running jobs"))
        header.setEnabled(False)
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        model = self.window.job_model
        for job in running[:MAX_MENU_JOBS]:
            action = self.menu.addAction(status_dot(job.state.value),
                                         f"{short(job.request.prompt)}  ·  {model.status_text(job)}")
            action.setToolTip(job.request.prompt)
            action.setData(job.id)
            action.triggered.connect(lambda _c=False, job_id=job.id: self.show_job(job_id))
        if len(running) > MAX_MENU_JOBS:
            more = self.menu.addAction(self.tr("…and %d more") % (len(running) - MAX_MENU_JOBS))
            more.triggered.connect(lambda: self.show_window())
        self.menu.addSeparator()
        self.toggle_action = self.menu.addAction("")
        self.toggle_action.triggered.connect(self.toggle_window)
        self._update_toggle()
        self.quit_action = self.menu.addAction(self.tr("Quit"))
        self.quit_action.triggered.connect(self.window.confirm_quit)
        count = len(running)
        self.tray.setToolTip(APP_NAME if not count else self.tr("%s — %d running") % (APP_NAME, count))

    def _update_toggle(self) -> None:
        shown = self.window.isVisible() and not self.window.isMinimized()
        self.toggle_action.setText(self.tr("Hide window") if shown else self.tr("Show window"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange):
            self._update_toggle()
        return False

    def job_actions(self) -> list[QAction]:
        return [a for a in self.menu.actions() if isinstance(a.data(), str) and a.data()]

    # -- the window -----------------------------------------------------------------------------

    def show_window(self) -> None:
        w = self.window
        if w.isMinimized():
            w.showNormal()
        w.show()
        w.raise_()
        w.activateWindow()

    def show_job(self, job_id: str) -> None:
        self.show_window()
        self.window.jobs.select_job(job_id)
        self.window.jobs.view.setFocus()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def _message_clicked(self) -> None:
        if self._last_job_id:
            self.show_job(self._last_job_id)
        else:
            self.show_window()

    # -- notifications --------------------------------------------------------------------------

    def job_changed(self, job: Job) -> None:
        before = self._states.get(job.id)
        self._states[job.id] = job.state
        if job.state.is_final and before is not None and not before.is_final and not job.hidden:
            self._finished.append(job)
            self._timer.start()
        if job.state.is_final or job.hidden:
            changed = self._running.pop(job.id, None) is not None
        else:
            changed = job.id not in self._running or self._running[job.id].state is not job.state
            self._running[job.id] = job
        if changed:
            self._menu_timer.start()

    def _flush(self) -> None:
        finished, self._finished = self._finished, []
        if not finished:
            return
        done = [j for j in finished if j.state is JobState.COMPLETED]
        failed = [j for j in finished if j.state is not JobState.COMPLETED]
        if len(finished) == 1:
            job = finished[0]
            title = self.tr("Extension ready") if done else (
                self.tr("Extension failed") if job.state is JobState.FAILED else self.tr("A job needs attention"))
            body = short(job.request.prompt, 90) if done else (job.message or short(job.request.prompt, 90))
        else:
            title = self.tr("%d jobs finished") % len(finished)
            body = self.tr("%d ready, %d failed") % (len(done), len(failed))
        self._last_job_id = finished[-1].id
        self.notify(title, body, failed=bool(failed))

    def notify(self, title: str, body: str, failed: bool = False) -> None:
        """A desktop notification when there is a tray and the user wants them; always the status bar."""
        self.window.show_status(f"{title}: {body}")
        if self.settings.get("notifications") and self.available and QSystemTrayIcon.supportsMessages():
            icon = QSystemTrayIcon.MessageIcon.Warning if failed else QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage(title, body, icon, 8000)
        self.notified.emit(title, body)

    def shutdown(self) -> None:
        self._timer.stop()
        self._menu_timer.stop()
        self.tray.hide()


def menu_texts(menu: QMenu) -> list[str]:
    """The visible entries as text (sections included, separators as "—"), for tests and screenshots."""
    out = []
    for action in menu.actions():
        if action.isSeparator() and not action.text():
            out.append("—")
        else:
            out.append(action.text().replace("&", ""))
    return out

