"""The one place engine events become Qt signals (the engine itself knows nothing of Qt)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pixverse_desktop.jobs.models import AccountCleared, AccountProblem, JobChanged, JobRemoved


class EngineBridge(QObject):
    jobChanged = Signal(object)       # Job
    jobRemoved = Signal(str)          # job id
    accountProblem = Signal(object)   # AccountProblem
    accountCleared = Signal(object)   # AccountCleared

    def __init__(self, engine, parent=None, *, held: bool = False) -> None:
        """``held``: events wait (in order) until :meth:`release`, for a window whose handlers are not
        connected yet while the engine already starts (an account problem must not be lost)."""
        super().__init__(parent)
        self.engine = engine
        self._held: list | None = [] if held else None
        self._unsubscribe = engine.subscribe(self._on_event)

    def release(self) -> None:
        held, self._held = self._held or [], None
        for event in held:
            self._on_event(event)

    def _on_event(self, event) -> None:
        if self._held is not None:
            self._held.append(event)
            return
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
