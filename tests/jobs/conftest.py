"""Engine tests run the real client and engine against the simulator over loopback HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pixverse_desktop.api import PixverseClient, make_http_client
from pixverse_desktop.jobs.downloads import Downloader
from pixverse_desktop.jobs.engine import EngineConfig, JobEngine
from pixverse_desktop.jobs.store import JobStore
from pixverse_desktop.simulator import AccountConfig, SimulatorConfig, SimulatorThread

TOKEN = "engine-test-token-7f3a9c"

FAST = dict(poll_min_s=0.02, poll_max_s=0.2, busy_min_s=0.05, busy_max_s=0.1, transient_base_s=0.02,
            transient_max_s=0.1, reconcile_delay_s=0.05)


@pytest.fixture
def sim_factory(sim_thread):
    """``sim_factory(accounts, **SimulatorConfig)`` -> a started simulator with this folder's token and
    fast defaults (``sim_thread`` in tests/conftest.py stops it)."""

    def make(accounts=None, **kw) -> SimulatorThread:
        kw.setdefault("queue_seconds", 0.05)
        kw.setdefault("generate_seconds", 0.1)
        kw.setdefault("seed_videos", 2)
        return sim_thread(SimulatorConfig(token=TOKEN, accounts=accounts or [
            AccountConfig("a@example.com", max_jobs=2, credits=1000)], **kw))

    return make


class Harness:
    """An engine wired like the app wires it, for one asyncio.run."""

    def __init__(self, th: SimulatorThread, data_dir: Path, **config) -> None:
        self.th = th
        self.data_dir = data_dir
        self.config = EngineConfig(**{**FAST, **config})

    async def __aenter__(self) -> "Harness":
        self.http = make_http_client()
        self.client = PixverseClient(self.th.base_url, lambda: TOKEN, self.http)
        self.store = JobStore.open(self.data_dir)
        self.engine = JobEngine(self.client, self.store, self.config,
                                downloader=Downloader(self.http, self.data_dir / "library"))
        self.events = []
        self.engine.subscribe(self.events.append)
        await self.engine.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.engine.stop()
        await self.http.aclose()
        self.store.close()

    async def seed_video(self, email: str) -> str:
        videos = await self.client.list_videos(email)
        return videos[-1].video_id

    async def wait_all_final(self, jobs, timeout: float = 30.0):
        return await asyncio.wait_for(asyncio.gather(*(self.engine.wait_final(j.id) for j in jobs)), timeout)


@pytest.fixture
def harness(tmp_path):
    def make(th: SimulatorThread, **config) -> Harness:
        return Harness(th, tmp_path, **config)
    return make
