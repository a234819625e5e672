"""Tests of the real PixverseClient against the simulator over loopback HTTP (no httpx mocks)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from pixverse_desktop.api import PixverseClient, make_http_client
from pixverse_desktop.simulator import Simulator, SimulatorConfig
from pixverse_desktop.simulator.testing import TEST_TOKEN, fast_config, running


@asynccontextmanager
async def sim_and_client(config: SimulatorConfig | None = None, token: str | None = TEST_TOKEN,
                         timeout: float = 20.0) -> AsyncIterator[tuple[Simulator, PixverseClient]]:
    """A started simulator and the app's client on it (the app's own make_http_client)."""
    async with running(config or fast_config()) as sim:
        http = make_http_client(timeout)
        client = PixverseClient(sim.base_url, lambda: token, http)
        try:
            yield sim, client
        finally:
            await http.aclose()
