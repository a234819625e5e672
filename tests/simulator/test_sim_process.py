"""The demo simulator as a child process: it announces itself, serves, and never outlives its parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import psutil
import pytest

from pixverse_desktop import __main__ as entry
from pixverse_desktop.simulator import process
from pixverse_desktop.simulator.process import SimulatorProcess, SimulatorUnavailable


def wait_gone(pid: int, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_it_announces_serves_the_demo_and_stops_when_asked():
    sim = SimulatorProcess.spawn()
    try:
        ready = sim.wait_ready()
        assert ready.base_url.startswith("http://127.0.0.1:") and ready.base_url.endswith("/v2/pixverse")
        assert ready.queue_seconds > 0 and ready.generate_seconds > 0
        answer = httpx.get(f"{ready.base_url}/accounts", headers={"Authorization": f"Bearer {ready.token}"})
        assert answer.status_code == 200
        assert {"studio@example.com", "backup@example.com"} <= set(answer.json())
        refused = httpx.get(f"{ready.base_url}/accounts", headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401
        assert sim.wait_ready() is ready   # a second call does not read again
    finally:
        sim.stop()
    assert not sim.running()
    sim.stop()   # twice is harmless


def test_it_stops_by_itself_when_its_parent_is_killed(tmp_path):
    parent_code = textwrap.dedent("""
        import sys, time
        from pixverse_desktop.simulator.process import SimulatorProcess
        sim = SimulatorProcess.spawn()
        sim.wait_ready()
        print(sim.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())
        assert psutil.pid_exists(child_pid)
        os.kill(parent.pid, signal.SIGKILL)   # no chance to clean up
        parent.wait(10)
        assert wait_gone(child_pid), "the simulator outlived the app that started it"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_child_that_cannot_start_is_reported_not_waited_for_forever(monkeypatch):
    monkeypatch.setattr(process, "child_command",
                        lambda extra=(): [sys.executable, "-c", "import sys; sys.exit(3)"])
    sim = SimulatorProcess.spawn()
    with pytest.raises(SimulatorUnavailable, match="exit code 3"):
        sim.wait_ready()
    sim.stop()


def test_a_frozen_build_runs_the_simulator_through_its_own_executable(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    command = process.child_command()
    assert command[:2] == [sys.executable, process.FROZEN_FLAG]
    assert entry.FROZEN_SIMULATOR_FLAG == process.FROZEN_FLAG   # the entry point answers that flag
    assert "--exit-with-stdin" in command and "--announce" in command


def test_the_announcement_is_one_json_line_with_the_clock(tmp_path):
    code = [sys.executable, "-m", "pixverse_desktop.simulator", "--demo", "--port", "0", "--announce",
            "--exit-with-stdin", "--queue-seconds", "1.5"]
    child = subprocess.Popen(code, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        name, _, payload = child.stdout.readline().partition(" ")
        assert name == process.ANNOUNCE
        data = json.loads(payload)
        assert data["queue_seconds"] == 1.5 and data["token"]
    finally:
        child.stdin.close()
        assert child.wait(15) == 0


def test_the_child_loads_no_certificate_bundle_and_keeps_the_rest_of_the_environment(monkeypatch):
    """Loading the bundle was half of its start-up; it serves loopback HTTP only."""
    monkeypatch.setenv("PIXVERSE_SOMETHING", "kept")
    code = "import os, ssl; print(os.environ['PIXVERSE_SOMETHING'], len(ssl.create_default_context().get_ca_certs()))"
    monkeypatch.setattr(process, "child_command",
                        lambda extra=(): [sys.executable, "-c", f"{code}; import sys; sys.stdin.read()"])
    sim = SimulatorProcess.spawn()
    try:
        assert sim._process.stdout.readline().split() == ["kept", "0"]
    finally:
        sim.stop()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_cleanly_while_it_watches_its_stdin(sig):
    """Ctrl+C in a terminal reaches the child too; its exit must not die on the stdin watcher."""
    for _ in range(3):   # the failure was a race at interpreter exit: try it a few times
        child = subprocess.Popen(process.child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().startswith(process.ANNOUNCE)
            child.send_signal(sig)
            assert child.wait(15) == 0
            assert "Fatal Python error" not in child.stderr.read()
        finally:
            child.kill()
            child.stdin.close()
