"""core.logs: rotating log file, idempotent set-up, and no token or Bearer value ever in the file."""

from __future__ import annotations

import logging
import logging.handlers
import sys

import pytest

from pixverse_desktop.core import logs
from pixverse_desktop.core.redact import MASK, RedactingFilter, forget_secrets, register_secret

TOKEN = "user:1234-sk_live_9f8e7d6c5b4a3f2e1d0c"
BEARER_VALUE = "eyJhbGciOiJIUzI1NiJ9.unregistered-bearer-value.Zm9vYmFy"


@pytest.fixture
def logfile(monkeypatch):
    """A fresh logging set-up writing under the per-test PIXVERSE_DESKTOP_HOME (see conftest)."""
    root = logging.getLogger()
    saved_level = root.level
    path = logs.setup_logging(logging.DEBUG)
    register_secret(TOKEN)
    yield path
    logs.shutdown_logging()
    forget_secrets()
    root.setLevel(saved_level)


def _all_log_text(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text(encoding="utf-8") for p in sorted(path.parent.glob(path.name + "*")))


def _owned(kind):
    return [h for h in logging.getLogger().handlers if getattr(h, logs._MARK, None) == kind]


def test_log_file_location_and_handler(logfile, _isolated_dirs):
    assert logfile == logs.log_file_path()
    assert logfile.name == "pixverse-desktop.log"
    assert logfile.parent == (_isolated_dirs / "logs").resolve()
    assert logfile.exists()
    [handler] = _owned("file")
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUP_COUNT
    assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    logging.getLogger("pixverse_desktop.test").info("hello %s", "world")
    assert "hello world" in _all_log_text(logfile)


def test_setup_is_idempotent_and_toggles_console(logfile):
    for _ in range(3):
        assert logs.setup_logging(logging.INFO) == logfile
    assert len(_owned("file")) == 1 and not _owned("console")
    assert logging.getLogger().level == logging.INFO
    logs.setup_logging(logging.WARNING, console=True)
    logs.setup_logging("warning", console=True)
    [console] = _owned("console")
    assert console.stream is sys.stderr and console.level == logging.WARNING
    assert any(isinstance(f, RedactingFilter) for f in console.filters)
    assert _owned("file")[0].level == logging.WARNING
    logs.setup_logging(logging.INFO, console=False)
    assert not _owned("console") and len(_owned("file")) == 1


def test_unknown_level_is_rejected(logfile):
    with pytest.raises(ValueError):
        logs.setup_logging("LOUD")


def test_log_directory_change_retargets_file(logfile, tmp_path, monkeypatch):
    monkeypatch.setenv("PIXVERSE_DESKTOP_HOME", str(tmp_path / "elsewhere"))
    new_path = logs.setup_logging(logging.DEBUG)
    assert new_path == (tmp_path / "elsewhere" / "logs" / "pixverse-desktop.log").resolve()
    assert len(_owned("file")) == 1
    logging.getLogger("x").warning("moved")
    assert "moved" in _all_log_text(new_path)


def test_secrets_never_reach_the_file(logfile, capsys):
    logs.setup_logging(logging.DEBUG, console=True)
    log = logging.getLogger("pixverse_desktop.api.client")
    header = f"Authorization: Bearer {BEARER_VALUE}"

    log.info("token in the message %s / %s", TOKEN, header)  # in args
    log.info(f"token formatted in: {TOKEN} and {header}")  # already in msg
    log.debug("dict args %(auth)s", {"auth": f"bearer {TOKEN}"})
    log.warning("repr of headers %r", {"Authorization": f"Bearer {BEARER_VALUE}"})
    try:
        try:
            raise ConnectionError(f"401 for token {TOKEN} with {header}")
        except ConnectionError as inner:
            raise RuntimeError(f"wrapped: Bearer {BEARER_VALUE}") from inner
    except RuntimeError:
        log.exception("request failed for %s", TOKEN)
    log.error("stack dump", stack_info=True)
    logging.getLogger("httpx").warning("HTTP Request: GET ?t=%s", TOKEN)  # a third-party logger

    text = _all_log_text(logfile)
    err = capsys.readouterr().err
    for output in (text, err):
        assert TOKEN not in output
        assert BEARER_VALUE not in output
        assert "sk_live" not in output
        assert MASK in output
    assert "Traceback (most recent call last)" in text
    assert "ConnectionError" in text and "RuntimeError" in text
    assert "request failed for" in text and "stack dump" in text


def test_rotation_keeps_five_backups(logfile, monkeypatch):
    [handler] = _owned("file")
    monkeypatch.setattr(handler, "maxBytes", 2_000)  # rotate quickly; same handler, same code path
    log = logging.getLogger("pixverse_desktop.rotation")
    for i in range(400):
        log.info("line %04d secret=%s %s", i, TOKEN, "x" * 60)
    handler.flush()
    files = sorted(logfile.parent.glob("pixverse-desktop.log*"))
    names = {p.name for p in files}
    assert names == {"pixverse-desktop.log"} | {f"pixverse-desktop.log.{n}" for n in range(1, 6)}
    for p in files:
        assert p.stat().st_size <= 2_000
        assert TOKEN not in p.read_text(encoding="utf-8")
    assert "line 0399" in logfile.read_text(encoding="utf-8")  # newest is in the live file
    assert "line 0000" not in _all_log_text(logfile)  # oldest rotated away


def test_rotation_at_default_size(logfile):
    """The real 1 MB limit: about 1.2 MB of logging leaves one backup of at most 1 MB."""
    log = logging.getLogger("pixverse_desktop.rotation")
    chunk = "y" * 1000
    for i in range(1200):
        log.info("%d %s", i, chunk)
    _all_log_text(logfile)
    backup = logfile.with_name(logfile.name + ".1")
    assert backup.exists() and backup.stat().st_size <= logs.MAX_BYTES
    assert logfile.stat().st_size < logs.MAX_BYTES


def test_console_is_skipped_without_stderr(logfile, monkeypatch):
    """A windowed PyInstaller build on Windows has sys.stderr = None."""
    monkeypatch.setattr(sys, "stderr", None)
    logs.setup_logging(logging.INFO, console=True)
    assert not _owned("console")
