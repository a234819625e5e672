"""Ctrl+C in the terminal (SIGINT) and SIGTERM close the app the way File → Quit does.

Python runs a signal handler only between two bytecodes, and while the window is idle the GUI thread
sits in Qt's C++ event loop: the handler ran late or not at all, so Ctrl+C left the window open (on
a simulator the same Ctrl+C had stopped) and SIGTERM killed the process without its clean shutdown.
``signal.set_wakeup_fd`` writes a byte to a socket Qt watches, which wakes the loop so the handler
runs at once. A second signal ends the process straight away, for a shutdown that hangs.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from typing import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class QuitOnSignals(QObject):
    def __init__(self, quit: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quit = quit
        self.received: list[int] = []
        self.acted = False
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        self._previous = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}

    def _handle(self, signum: int, _frame) -> None:
        self.received.append(signum)
        if len(self.received) > 1:   # asked twice: the clean shutdown is not finishing
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        # Neither logged nor acted on here: a handler runs between two steps of whatever the GUI thread
        # was doing, possibly inside the log file's own write, where logging again failed ("reentrant
        # call") and the line was lost (a rare failure of the Ctrl+C test). The loop acts on it next:
        # the byte the signal wrote to the wake-up socket (_drain), or this timer, whichever is first.
        QTimer.singleShot(0, self._act)

    def _act(self) -> None:
        if len(self.received) == 1 and not self.acted:
            self.acted = True
            log.info("%s received: quitting", signal.Signals(self.received[0]).name)
            self._quit()

    def _drain(self) -> None:
        try:
            while self._read.recv(64):
                pass
        except (BlockingIOError, OSError):
            pass
        self._act()

    def uninstall(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()
