"""The entry point: `--demo --smoke-test` (the packaging smoke test), CLI dispatch, argument parsing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from pixverse_desktop import COMMAND_SUMMARIES
from pixverse_desktop import __main__ as entry
from tests.fresh_process import in_a_fresh_process


def test_demo_smoke_test_exits_zero_after_the_first_paint(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "pixverse_desktop", "--demo", "--smoke-test"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test ok: 8 videos loaded and painted" in result.stdout
    # No chatter that reads like errors: Qt Multimedia's list of optional libraries it did not find,
    # or the effects list cut off by the quick exit.
    assert "qt.multimedia.symbolsresolver" not in result.stderr
    assert "effects unavailable" not in result.stdout + result.stderr
    assert (tmp_path / "data" / "demo" / "jobs.sqlite3").exists()   # demo data kept apart


def test_smoke_test_fails_without_a_service(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": str(tmp_path),
           "USEAPI_TOKEN": "some-token-value"}
    result = subprocess.run([sys.executable, "-m", "pixverse_desktop", "--smoke-test",
                             "--api-base", "http://127.0.0.1:9/v2/pixverse"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode != 0
    assert "some-token-value" not in result.stdout + result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in written)           # it did log, and the log is clean
    assert not [p for p in written if b"some-token-value" in p.read_bytes()]


def test_the_app_does_not_load_httpx_s_command_line_tool():
    """httpx imports its CLI (rich, click, pygments: ~55 ms) whenever those are installed, as they are
    here for import-linter; the app's process skips it. Checked in a fresh process through the
    entry point, on a command that imports httpx and ends at its --help."""
    pytest.importorskip("rich")
    pytest.importorskip("click")
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in ('rich', 'click', 'httpx') if m in sys.modules)))\n"
             "from pixverse_desktop.__main__ import main\n"
             "main(['videos', '--help'])\n")
    assert in_a_fresh_process(probe).strip().splitlines()[-1] == "['httpx']"


def test_cli_commands_dispatch_to_the_cli(monkeypatch):
    from pixverse_desktop import cli

    seen = []
    monkeypatch.setattr(cli, "main", lambda argv: seen.append(argv) or 7)
    for command in sorted(cli.COMMANDS):
        with pytest.raises(SystemExit) as stop:
            entry.main([command, "--x"])
        assert stop.value.code == 7
    assert [argv[0] for argv in seen] == sorted(cli.COMMANDS)
    assert set(COMMAND_SUMMARIES) == set(cli.COMMANDS)   # the entry point dispatches by the former


def test_a_demo_start_spawns_its_simulator_before_loading_anything_heavy(monkeypatch):
    """_early_demo_simulator: spawned before asyncio, argparse or Qt load (its readiness was waited
    for otherwise); not for --help or --version, and stopped when the arguments turn out wrong."""
    from pixverse_desktop.simulator import process

    spawned, stopped = [], []

    class FakeChild:
        def stop(self):
            stopped.append(self)

    def spawn(*extra):
        spawned.append(sorted(m for m in ("asyncio", "argparse", "PySide6", "httpx") if m in sys.modules))
        return FakeChild()

    monkeypatch.setattr(process.SimulatorProcess, "spawn", staticmethod(spawn))
    assert entry._early_demo_simulator(["--version", "--demo"]) is None
    assert entry._early_demo_simulator(["--smoke-test"]) is None
    assert isinstance(entry._early_demo_simulator(["--demo", "--smoke-test"]), FakeChild)
    with pytest.raises(SystemExit):
        entry.main(["--demo", "--no-such-flag"])
    assert len(spawned) == 2 and len(stopped) == 1   # the usage error stopped its child
    code = ("import sys\n"
            "from pixverse_desktop.simulator import process\n"
            "def spawn(*extra):\n"
            "    print(sorted(m for m in ('asyncio', 'argparse', 'PySide6', 'httpx') if m in sys.modules))\n"
            "    raise SystemExit(0)\n"
            "process.SimulatorProcess.spawn = staticmethod(spawn)\n"
            "from pixverse_desktop.__main__ import main\n"
            "main(['--demo', '--smoke-test'])\n")
    assert in_a_fresh_process(code).strip() == "[]"   # spawned before any of them loaded


def test_arguments():
    args = entry.parse_args(["--demo", "--api-base", "http://h/v2/pixverse", "--data-dir", "/tmp/d"])
    assert args.demo and not args.smoke_test and args.api_base == "http://h/v2/pixverse"
    assert str(args.data_dir) == "/tmp/d"


def test_the_layers_imported_before_qt_stay_free_of_qt():
    """The entry point imports these before Qt to spare them PySide6's source-reading import hook; a
    Qt import slipping into one of them would quietly undo that (and break the layering)."""
    code = ("import sys; from pixverse_desktop import __main__ as m; m._import_qt_free_layers(); "
            "print(' '.join(sys.modules))")
    loaded = in_a_fresh_process(code).split()
    assert {"pixverse_desktop.api.http11", "pixverse_desktop.jobs.engine", "pixverse_desktop.api.client"} <= set(loaded)
    assert not [name for name in loaded if name.startswith(("PySide6", "shiboken6"))]


def test_pyside_s_import_hook_reads_no_source_of_the_standard_library_or_of_the_app():
    """_quicker_pyside_import_hook: PySide6's hook asks of each newly imported module whether it uses
    PySide6 by reading its source; the answers for the standard library and the app come from where
    the file is, other modules are still read, and installing it twice wraps nothing twice. In a fresh
    process, so this test session keeps PySide6's own hook."""
    code = (
        "import inspect, sys\n"
        "import PySide6.QtCore\n"
        "from pixverse_desktop.__main__ import _quicker_pyside_import_hook as quicker\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "quicker(); first = feature._mod_uses_pyside; quicker()\n"
        "assert feature._mod_uses_pyside is first, 'installed twice'\n"
        "import json, email.message, qasync, pixverse_desktop.ui.theme as theme, pixverse_desktop.jobs.models as models\n"
        "reads = []\n"
        "real = inspect.getsource\n"
        "inspect.getsource = lambda obj: reads.append(obj.__name__) or real(obj)\n"
        "answers = {m.__name__: feature._mod_uses_pyside(m) for m in (json, email.message, theme, models, qasync)}\n"
        "print(answers, reads)\n")
    answers, reads = in_a_fresh_process(code).strip().splitlines()[-1].rsplit("} ", 1)
    assert answers + "}" == ("{'json': False, 'email.message': False, 'pixverse_desktop.ui.theme': True, "
                             "'pixverse_desktop.jobs.models': True, 'qasync': True}")
    assert reads == "['qasync']"   # only the third-party module's source was read, as PySide6 does


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_closes_the_window_cleanly_with_its_simulator(tmp_path, sig):
    """Ctrl+C in the terminal reaches the whole process group: the window must close (it stayed open
    on a simulator that had stopped), through the clean shutdown, not by being killed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": str(tmp_path)}
    app = subprocess.Popen([sys.executable, "-m", "pixverse_desktop", "--demo"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    log = tmp_path / "logs" / "pixverse-desktop.log"
    try:
        deadline = time.monotonic() + 60
        while "GET http" not in (log.read_text() if log.exists() else "") or "/videos" not in log.read_text():
            assert time.monotonic() < deadline and app.poll() is None, app.stderr.read() if app.poll() else ""
            time.sleep(0.2)
        children = psutil.Process(app.pid).children()
        os.killpg(app.pid, sig)   # as a terminal does: the app and its simulator child
        assert app.wait(30) == 0
        assert f"{signal.Signals(sig).name} received: quitting" in log.read_text()
        stderr = app.stderr.read()
        assert "Traceback" not in stderr and "Fatal Python error" not in stderr
        assert all(not c.is_running() or c.status() == psutil.STATUS_ZOMBIE for c in children)
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGKILL)


def test_a_mistyped_command_is_named_not_opened_as_a_window(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "pixverse_desktop", "extnd"], capture_output=True, text=True,
                            timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 2 and "no command 'extnd'" in result.stderr and "extend" in result.stderr
    assert entry._mistyped_command("extnd") and not entry._mistyped_command("/home/me/clip.mp4")
    assert not entry._mistyped_command("clip.mp4") and not entry._mistyped_command("file:///home/me/a.mp4")


def test_shared_options_before_a_command_go_to_the_command(tmp_path):
    """`pixverse-desktop --api-base URL videos` started the window, "videos" taken for a file to upload
    (CLI pass)."""
    from pixverse_desktop import SHARED_COMMAND_OPTIONS
    from pixverse_desktop.cli import build_parser

    assert entry._command_first(["--api-base", "http://x", "--json", "videos", "--email", "a@b.c"]) == \
        ["videos", "--api-base", "http://x", "--json", "--email", "a@b.c"]
    assert entry._command_first(["--data-dir=/tmp/d", "jobs"]) == ["jobs", "--data-dir=/tmp/d"]
    assert entry._command_first(["--demo", "videos"]) == ["--demo", "videos"]   # not a command's option
    for command in ("extend", "videos", "jobs", "download"):   # every command takes the shared ones
        sub = build_parser()._subparsers._group_actions[0].choices[command]
        assert set(SHARED_COMMAND_OPTIONS) <= set(sub._option_string_actions), command
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PIXVERSE_DESKTOP_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "pixverse_desktop", "--log-level", "DEBUG", "videos"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 2 and "'videos' is a command: give it first, then the options it takes" in result.stderr


def test_a_quit_signal_is_acted_on_by_the_loop_not_inside_the_handler():
    """The handler can run in the middle of the log file's own write: logging there failed and the
    "received: quitting" line was lost (a rare failure of the test above). It only notes the signal;
    the event loop logs it and quits, once. In a fresh process: this session's QApplication has been
    through other tests' quits, after which it runs no timers."""
    code = """
import logging, os, signal, sys
from PySide6.QtCore import QCoreApplication, QDeadlineTimer
from pixverse_desktop.ui.quit_signals import QuitOnSignals
app = QCoreApplication([])
lines = []
class Keep(logging.Handler):
    def emit(self, record):
        lines.append(record.getMessage())
logging.getLogger("pixverse_desktop.ui.quit_signals").addHandler(Keep())
logging.getLogger("pixverse_desktop.ui.quit_signals").setLevel(logging.INFO)
quits = []
signals = QuitOnSignals(lambda: quits.append(1))
os.kill(os.getpid(), signal.SIGTERM)   # its handler runs as this returns, on this thread
print("inside the handler:", signals.received == [signal.SIGTERM], quits, lines)
deadline = QDeadlineTimer(5000)
while not quits and not deadline.hasExpired():
    app.processEvents()
for _ in range(20):
    app.processEvents()
print("after the loop:", quits, lines)
signals.uninstall()
"""
    out = in_a_fresh_process(code).splitlines()
    assert out[0] == "inside the handler: True [] []"   # nothing done inside the handler
    assert out[1] == "after the loop: [1] ['SIGTERM received: quitting']"   # by the loop, once
