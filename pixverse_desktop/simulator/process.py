"""The simulator in a child process: how the app's --demo mode runs it.

Why not a thread of the app: the server's imports (aiohttp builds TLS contexts as it loads) and its
work held the GUI process's GIL while the window was being built; spawned first thing, the child
starts on the other core while the app imports Qt (bench_startup). It also keeps the server's work
out of the GUI thread's stalls for the whole session.

The child is tied to the parent by its stdin: it stops when that pipe closes, which happens however
the parent ends (a SIGKILL included), so a demo never leaves a server behind. It announces itself
with one line, ``ANNOUNCE {json}``, on its stdout, which only the parent reads: the demo token never
reaches a terminal or a log.

Importing this module is cheap (no aiohttp): the app imports it before Qt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NamedTuple

ANNOUNCE = "PIXVERSE_SIMULATOR_READY"
# A frozen build (PyInstaller) has no ``-m``: its executable recognises this first argument instead.
FROZEN_FLAG = "--run-demo-simulator"


class Announcement(NamedTuple):   # not a dataclass: this module is imported first thing (no inspect)
    base_url: str
    token: str
    queue_seconds: float
    generate_seconds: float


class SimulatorUnavailable(RuntimeError):
    pass


def child_command(extra: tuple[str, ...] = ()) -> list[str]:
    args = ["--demo", "--port", "0", "--announce", "--exit-with-stdin", *extra]
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_FLAG, *args]
    return [sys.executable, "-m", "pixverse_desktop.simulator", *args]


class SimulatorProcess:
    """``spawn()`` returns at once; ``wait_ready()`` blocks until the server listens (call it from a
    worker thread); ``stop()`` ends it. Both are safe to call more than once."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process
        self.announcement: Announcement | None = None

    @classmethod
    def spawn(cls, *extra: str) -> "SimulatorProcess":
        # Importing aiohttp builds its client's TLS contexts, loading the system's certificate bundle
        # twice: half of this child's start-up (ready after ~190 ms, was ~360 ms), which the window
        # waited for. The demo serves plain HTTP on loopback and promises no network; its only client
        # use is replyUrl callbacks, and with an empty bundle an https:// one fails closed (recorded as
        # not delivered), as the demo's own client trusts no certificate (api.transport.make_http_client).
        env = {**os.environ, "SSL_CERT_FILE": os.devnull}
        return cls(subprocess.Popen(child_command(extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True, encoding="utf-8", env=env))

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait_ready(self) -> Announcement:
        if self.announcement is not None:
            return self.announcement
        import json

        assert self._process.stdout is not None
        for line in self._process.stdout:   # ends when the child exits without announcing
            name, _, payload = line.partition(" ")
            if name == ANNOUNCE:
                data = json.loads(payload)
                self.announcement = Announcement(data["base_url"], data["token"],
                                                 float(data["queue_seconds"]), float(data["generate_seconds"]))
                return self.announcement
        code = self._process.wait()
        raise SimulatorUnavailable(f"the demo simulator exited before it was ready (exit code {code}); "
                                   "its error is above in the terminal")

    def stop(self, timeout: float = 5.0) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            try:
                self._process.stdin.close()   # the child's cue to stop cleanly
            except OSError:
                pass
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def running(self) -> bool:
        return self._process.poll() is None
