"""Application logging: a rotating log file in :func:`~pixverse_desktop.core.paths.log_dir`.

:func:`setup_logging` is idempotent: calling it again only adjusts the level and the console
handler (and re-targets the file if the log directory changed, e.g. ``PIXVERSE_DESKTOP_HOME``).
Every handler it installs carries :class:`~pixverse_desktop.core.redact.RedactingFilter` *and*
formats through :class:`RedactingFormatter`, so a registered API token or any ``Bearer …`` value
never reaches the file or the console, whether it is in the message, in the arguments, in an
exception traceback or in a stack dump.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path

from pixverse_desktop.core.paths import log_dir
from pixverse_desktop.core.redact import RedactingFilter, install_log_redaction, redact

LOG_FILE_NAME = "pixverse-desktop.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
# Chatty third-party loggers are kept at WARNING or above even when the app logs at DEBUG.
QUIET_LOGGERS = ("httpcore", "hpack", "qasync", "PIL", "asyncio", "aiohttp.access")

_MARK = "_pixverse_desktop_handler"  # attribute set on the handlers we own
_lock = threading.Lock()


class RedactingFormatter(logging.Formatter):
    """Formats normally, then scrubs the whole text (covers tracebacks and ``stack_info`` too)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_file_path() -> Path:
    """Path of the current log file (the directory is created if needed)."""
    return log_dir() / LOG_FILE_NAME


def _owned_handlers(root: logging.Logger) -> list[logging.Handler]:
    return [h for h in root.handlers if getattr(h, _MARK, None)]


def _prepare(handler: logging.Handler, kind: str, level: int) -> logging.Handler:
    setattr(handler, _MARK, kind)
    handler.setLevel(level)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    return handler


def _remove(root: logging.Logger, handler: logging.Handler) -> None:
    root.removeHandler(handler)
    try:
        handler.close()
    except Exception:  # pragma: no cover - closing a broken stream must not stop set-up
        pass


def setup_logging(level: int | str = logging.INFO, console: bool = False) -> Path:
    """Install (once) the rotating file handler and optionally a stderr handler; return the log path."""
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        if not isinstance(level, int):
            raise ValueError(f"unknown log level: {level!r}")
    path = log_file_path()
    root = logging.getLogger()
    with _lock:
        owned = {getattr(h, _MARK): h for h in _owned_handlers(root)}

        file_handler = owned.get("file")
        if file_handler is not None and Path(file_handler.baseFilename).resolve() != path.resolve():
            _remove(root, file_handler)  # the log directory moved: start a file in the new place
            file_handler = None
        if file_handler is None:
            file_handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
            root.addHandler(_prepare(file_handler, "file", level))
        file_handler.setLevel(level)

        console_handler = owned.get("console")
        if console and sys.stderr is None:  # windowed build on Windows: nowhere to write
            console = False
        if console and console_handler is None:
            root.addHandler(_prepare(logging.StreamHandler(sys.stderr), "console", level))
        elif not console and console_handler is not None:
            _remove(root, console_handler)
        elif console_handler is not None:
            console_handler.setLevel(level)

        root.setLevel(level)
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(max(level, logging.WARNING))
        logging.captureWarnings(True)
        # Any handler someone else put on the root logger gets the filter as well.
        install_log_redaction(root)
    return path


def shutdown_logging() -> None:
    """Flush, close and remove the handlers installed by :func:`setup_logging`."""
    root = logging.getLogger()
    with _lock:
        for handler in _owned_handlers(root):
            _remove(root, handler)
