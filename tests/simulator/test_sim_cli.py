"""The CLI as a subprocess, the documentation's own curl / Python examples, and SimulatorThread."""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import requests

from pixverse_desktop.simulator import AccountConfig, SimulatorConfig, SimulatorThread
from pixverse_desktop.simulator.testing import fast_config

DOC_HOST = "https://api.useapi.net/v2/pixverse"


class CliSimulator:
    """``python -m pixverse_desktop.simulator`` in a subprocess; parses what it prints."""

    def __init__(self, *args: str) -> None:
        cmd = [sys.executable, "-m", "pixverse_desktop.simulator", "--port", "0", "--queue-seconds", "0.05",
               "--generate-seconds", "0.1", "--seed-videos", "3", *args]
        env = dict(os.environ, PYTHONUNBUFFERED="0")  # the CLI must flush by itself
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        self.output: list[str] = []
        self.values: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while not any("Ctrl+C" in line for line in self.output):
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                raise AssertionError(f"CLI did not start: {self.output} {self.proc.stderr.read()}") from None
            self.output.append(line)
            key, sep, value = line.strip().partition("=")
            if sep and key.isupper():
                self.values[key] = value

    def _pump(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=20)
            self._pump_thread.join(timeout=10)
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe and not pipe.closed:
                    pipe.close()

    def rest(self) -> str:
        """Everything printed after start-up (call after stop(), which waits for the pipe to close)."""
        chunks = []
        while not self.lines.empty():
            chunks.append(self.lines.get())
        return "".join(chunks)


@pytest.fixture
def cli():
    started: list[CliSimulator] = []

    def start(*args: str) -> CliSimulator:
        started.append(CliSimulator(*args))
        return started[-1]

    yield start
    for sim in started:
        sim.stop()


def doc_curl(command: str, base: str, token: str) -> tuple[int, dict]:
    """Run a curl line from the docs (bash syntax, line continuations) against the simulator."""
    command = command.replace(DOC_HOST, base).replace("Bearer …", f"Bearer {token}")
    result = subprocess.run(["bash", "-c", command + ' -s -w "\\n%{http_code}"'], capture_output=True, text=True,
                            timeout=30)
    body, _, code = result.stdout.rpartition("\n")
    return int(code), json.loads(body)


def doc_python(code: str, base: str, token: str) -> dict:
    """Execute a Python example from the docs (it uses requests and prints) against the simulator."""
    code = textwrap.dedent(code).replace(DOC_HOST, base).replace('token = "API token"', f'token = "{token}"')
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(code, "<doc example>", "exec"), namespace)
    assert printed.getvalue().startswith("<Response [200]>"), printed.getvalue()
    return namespace["response"].json()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_cli_prints_what_to_use_and_answers_the_docs_curl_examples(cli):
    sim = cli("--token", "tok-123456", "--accounts", "a@example.com:2:50,b@example.com:1:10")
    base, token = sim.values["PIXVERSE_API_BASE"], sim.values["USEAPI_TOKEN"]
    assert base.startswith("http://127.0.0.1:") and base.endswith("/v2/pixverse")
    assert token == "tok-123456"
    assert sim.values["ACCOUNTS"] == "a@example.com,b@example.com"
    assert any("a@example.com: maxJobs=2 credits=50" in line for line in sim.output)

    # GET /videos, as in the docs (note their trailing slash before the query)
    status, body = doc_curl(f'''curl "{DOC_HOST}/videos/?email=a@example.com" \\
       -H "Accept: application/json" \\
       -H "Authorization: Bearer …"''', base, token)
    assert status == 200 and len(body["data"]) == 3
    video_id = body["data"][0]["video_id"]

    # POST /videos/extend-v3 with the documented sample body (values filled in)
    sample = {"email": "a@example.com", "prompt": "Required text prompt", "negative_prompt": "Optional negative prompt",
              "video_id": video_id, "template_id": 303624537709312, "duration": 8, "quality": "540p",
              "motion_mode": "normal", "style": "clay", "seed": 654321, "replyUrl": "http://127.0.0.1:9/callback",
              "replyRef": "Place your reference id here", "maxJobs": 3}
    status, body = doc_curl(f'''curl -H "Accept: application/json" \\
     -H "Content-Type: application/json" \\
     -H "Authorization: Bearer …" \\
     -X POST "{DOC_HOST}/videos/extend-v3" \\
     -d '{json.dumps(sample)}' ''', base, token)
    assert status == 200, body
    assert body["video_id"].startswith("user:") and "-pixverse:a@example.com-video:" in body["video_id"]

    # the suggested curl line printed by the CLI works as printed
    printed = next(line for line in sim.output if line.startswith("Try: "))[5:].strip()
    result = subprocess.run(["bash", "-c", printed + " -s"], capture_output=True, text=True, timeout=30)
    assert "data" in json.loads(result.stdout)

    assert sim.stop(signal.SIGTERM) == 0
    assert "Simulator stopped." in sim.rest()


def test_cli_random_token_and_the_docs_python_examples(cli):
    sim = cli()
    base, token = sim.values["PIXVERSE_API_BASE"], sim.values["USEAPI_TOKEN"]
    assert len(token) >= 20
    email = sim.values["ACCOUNTS"].split(",")[0]

    listed = doc_python(f'''
        import requests
        token = "API token"
        email = "{email}"
        apiUrl = f"{DOC_HOST}/videos/?email={{email}}"
        headers = {{
            "Content-Type": "application/json",
            "Authorization" : f"Bearer {{token}}"
        }}
        response = requests.get(apiUrl, headers=headers)
        print(response, response.json())
    ''', base, token)
    video_id = listed["data"][0]["video_id"]

    extended = doc_python(f'''
        import requests
        token = "API token"
        email = "{email}"
        data = {{
            "email": f"{{email}}",
            "prompt": "The paper boat sails out to sea",
            "video_id": "{video_id}",
            "duration": 5,
            "quality": "360p"
        }}
        apiUrl = f"{DOC_HOST}/videos/extend-v3"
        headers = {{
            "Content-Type": "application/json",
            "Authorization" : f"Bearer {{token}}"
        }}
        response = requests.post(apiUrl, headers=headers, json=data)
        print(response, response.json())
    ''', base, token)
    assert extended["video_id"].endswith(str(int(video_id.rsplit(":", 1)[1]) + 1))
    wrong = requests.get(f"{base}/videos", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.json() == {"error": "Unauthorized", "code": 401}
    assert sim.stop(signal.SIGINT) == 0


def test_cli_rejects_bad_accounts():
    result = subprocess.run([sys.executable, "-m", "pixverse_desktop.simulator", "--accounts", "a@x:nine"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "bad account" in result.stderr


def test_simulator_thread_serves_sync_code():
    config = fast_config(accounts=[AccountConfig("a@example.com", max_jobs=2, credits=10)])
    thread = SimulatorThread(config)
    base = thread.start()
    try:
        headers = {"Authorization": f"Bearer {config.token}"}
        data = requests.get(f"{base}/videos", headers=headers, timeout=10).json()["data"]
        response = requests.post(f"{base}/videos/extend-v3", headers=headers, timeout=10,
                                 json={"prompt": "from a thread", "video_id": data[0]["video_id"], "quality": "360p"})
        assert response.status_code == 200
        assert thread.call(lambda: thread.sim.state.accounts["a@example.com"].credits) == 9
        video = thread.run(thread.sim.wait_final(response.json()["video_id"]))
        assert video.status == 1
        assert requests.get(f"{base}/videos/{video.video_id}", headers=headers, timeout=10).status_code == 200
    finally:
        thread.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/videos", timeout=2)


def test_demo_configuration():
    config = SimulatorConfig.demo()
    assert len(config.accounts) == 2 and config.seed_videos >= 6
    assert config.token and config.queue_seconds >= 1
    thread = SimulatorThread(config)
    base = thread.start()
    try:
        headers = {"Authorization": f"Bearer {config.token}"}
        email = config.accounts[0].email
        data = requests.get(f"{base}/videos", params={"email": email}, headers=headers, timeout=10).json()["data"]
        prompts = [v["prompt"] for v in data]
        assert len(prompts) == config.seed_videos and len(set(prompts)) == len(prompts)
    finally:
        thread.stop()
