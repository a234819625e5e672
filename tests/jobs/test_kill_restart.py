"""Crash safety for real: the engine runs headless in a subprocess (the CLI) and is SIGKILLed at random
moments, over many rounds, then restarted. Every job the simulator accepted must be in the journal
exactly once, and no prompt may be charged twice."""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from pixverse_desktop.jobs.models import JobState
from pixverse_desktop.jobs.store import JobStore
from pixverse_desktop.simulator import AccountConfig

from .conftest import TOKEN

ROUNDS = 24


def cli(th, data_dir, *args):
    env = {**os.environ, "USEAPI_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "pixverse_desktop.cli", *args, "--api-base", th.base_url,
                             "--data-dir", str(data_dir)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_or_doubles_a_job(sim_factory, tmp_path):
    th = sim_factory([AccountConfig("a@example.com", max_jobs=8, credits=10_000)],
                     queue_seconds=0.2, generate_seconds=0.4)
    # Slow answers to extend-v3 widen the window between "the service took it" and "we heard back".
    th.call(lambda: th.sim.state.faults.add("latency", seconds=0.25, method="POST", path="/videos/extend-v3"))
    source = th.call(lambda: next(v.video_id for v in th.sim.state.videos.values()))
    seed = int(os.environ.get("KILL_TEST_SEED", time.time()))
    rng = random.Random(seed)
    print(f"kill test seed {seed}")
    killed = 0
    for round_no in range(ROUNDS):
        if round_no % 4 == 3:
            proc = cli(th, tmp_path, "jobs", "--wait", "--poll-min", "0.05")
        else:
            proc = cli(th, tmp_path, "extend", "--video-id", source, "--prompt", f"round {round_no}",
                       "--wait", "--poll-min", "0.05")
        time.sleep(rng.uniform(0.2, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=60)

    final = cli(th, tmp_path, "jobs", "--wait", "--json", "--poll-min", "0.05", "--timeout", "60")
    out, err = final.communicate(timeout=120)
    # 6: a job it resumed ended needing attention (killed mid-send and not found at the service, so never
    # charged: checked below), which `jobs --wait` reports as a failure since stop 13. Anything else fails.
    assert final.returncode in (0, 6), err
    if final.returncode == 6:
        assert "needs attention" in err and "--retry" in err, err
    listed = json.loads(out)
    assert killed >= ROUNDS // 4, "the kills should land while the engine works"

    store = JobStore.open(tmp_path)
    jobs = store.all(include_hidden=True)
    store.close()
    charged = th.call(lambda: list(th.sim.state.charges))
    by_video = collections.Counter(j.video_id for j in jobs if j.video_id)
    per_prompt = collections.Counter(c.prompt for c in charged)

    assert all(count == 1 for count in per_prompt.values()), f"charged twice: {per_prompt}"
    for charge in charged:
        assert by_video[charge.video_id] == 1, f"accepted job {charge.video_id} not in the journal once"
    assert all(j.state.is_final for j in jobs), [j.state for j in jobs]
    charged_prompts = set(per_prompt)
    for job in jobs:
        if job.state is JobState.NEEDS_ATTENTION:
            assert job.request.prompt not in charged_prompts
        if job.state is JobState.COMPLETED:
            assert job.video_id in {c.video_id for c in charged}
    assert {j["id"] for j in listed} == {j.id for j in jobs if not j.hidden}
    print(f"{killed} kills, {len(charged)} charges, {len(jobs)} jobs: "
          f"{collections.Counter(j.state.value for j in jobs)}")
