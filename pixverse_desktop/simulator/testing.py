"""Helpers for tests and benchmarks that drive the simulator (no pytest dependency here).

``fast_config`` gives a millisecond clock; ``running`` starts and always stops a simulator;
``run`` executes a coroutine with a hard deadline, because pytest-asyncio is not a dependency.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Coroutine, TypeVar

from .config import AccountConfig, SimulatorConfig
from .runner import Simulator

T = TypeVar("T")
TEST_TOKEN = "test-token-0123456789"
TEST_EMAIL = "a@example.com"


def fast_config(**overrides: Any) -> SimulatorConfig:
    """One account (a@example.com, maxJobs 2, 100 credits), 3 sample videos, ~0.15 s jobs, lazy renders."""
    values: dict[str, Any] = dict(
        token=TEST_TOKEN, accounts=[AccountConfig(TEST_EMAIL, max_jobs=2, credits=100)],
        queue_seconds=0.05, generate_seconds=0.1, unknown_status_seconds=0.3, seed_videos=3,
        tick_seconds=0.01, render_eagerly=False,  # render only what a test asks for (CPU is scarce)
    )
    values.update(overrides)
    return SimulatorConfig(**values)


@asynccontextmanager
async def running(config: SimulatorConfig | None = None) -> AsyncIterator[Simulator]:
    sim = Simulator(config or fast_config())
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@asynccontextmanager
async def sim_and_http(config: SimulatorConfig | None = None, token: str | None = TEST_TOKEN,
                       timeout: float = 20.0) -> AsyncIterator[tuple[Simulator, Any]]:
    """A started simulator plus an ``httpx.AsyncClient`` on its API base URL with the Bearer token set
    (raw HTTP: for testing the simulator itself, not through the app's client)."""
    import httpx  # only tests need it here

    async with running(config or fast_config()) as sim:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=sim.base_url + "/", headers=headers, timeout=timeout) as http:
            yield sim, http


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run ``coro`` in a fresh event loop, failing (not hanging) after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def poll(check: Callable[[], Awaitable[T | None]] | Callable[[], T | None], timeout: float = 10.0,
               interval: float = 0.02) -> T:
    """Call ``check`` until it returns something truthy; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached before the deadline")
        await asyncio.sleep(interval)
