"""The one place engine events become Qt signals (the engine itself knows nothing of Qt)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pixverse_desktop.jobs.models import AccountCleared, AccountProblem, JobChanged, JobRemoved


class EngineBridge(QObject):
    jobChanged = Signal(object)       # Job
    jobRemoved = Signal(str)          # job id
    accountProblem = Signal(object)   # AccountProblem
    accountCleared = Signal(object)   # AccountCleared

    def __init__(self, engine, parent=None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._unsubscribe = engine.subscribe(self._on_event)

    def _on_event(self, event) -> None:
        # Delivered on the loop thread, which under qasync is the GUI thread: emit directly.
        if isinstance(event, JobChanged):
            self.jobChanged.emit(event.job)
        elif isinstance(event, JobRemoved):
            self.jobRemoved.emit(event.job_id)
        elif isinstance(event, AccountProblem):
            self.accountProblem.emit(event)
        elif isinstance(event, AccountCleared):
            self.accountCleared.emit(event)

    def detach(self) -> None:
        self._unsubscribe()
