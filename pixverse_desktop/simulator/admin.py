"""Admin endpoints under /_sim (outside the API prefix, no token, never in the request log).

They let a test or a person running the CLI steer the simulator from outside the process:

  GET  /_sim/health                 {"ok": true, "base_url": ...}
  GET  /_sim/state                  accounts, jobs, charges, request counts, uploads, callbacks, faults
  POST /_sim/faults                 {"kind": "drop"|"error"|"malformed"|"storm429"|"latency", "count": N,
                                     "status": 503, "seconds": 1.5, "busy": false, "method": "GET",
                                     "path": "/videos"}  or {"faults": [...]}
  POST /_sim/reset-faults           remove every fault
  POST /_sim/reset-requests         clear the request logs
  POST /_sim/clock/advance          {"seconds": S}: jump the job clock ahead
  POST /_sim/accounts/{email}       {"credits", "max_jobs", "pending_error", "plan_limit"}: adjust an account
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:  # pragma: no cover
    from .runner import Simulator


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.read() or b"{}")
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return data


def add_admin_routes(app: web.Application, sim: "Simulator") -> None:
    state = sim.state

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "base_url": sim.base_url})

    async def get_state(request: web.Request) -> web.Response:
        state.sync()
        return web.json_response(state.summary())

    async def add_faults(request: web.Request) -> web.Response:
        try:
            state.faults.add_from_json(await _body(request))
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(state.faults.to_json())

    async def reset_faults(request: web.Request) -> web.Response:
        state.faults.reset()
        return web.json_response(state.faults.to_json())

    async def reset_requests(request: web.Request) -> web.Response:
        state.requests.clear()
        state.media_requests.clear()
        return web.json_response({"ok": True})

    async def advance(request: web.Request) -> web.Response:
        seconds = (await _body(request)).get("seconds", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            return web.json_response({"error": "seconds must be a number >= 0"}, status=400)
        sim.advance(float(seconds))
        return web.json_response({"ok": True})

    async def adjust_account(request: web.Request) -> web.Response:
        account = state.accounts.get(request.match_info["email"])
        if account is None:
            return web.json_response({"error": "no such account"}, status=404)
        body = await _body(request)
        for key, attr in (("credits", "credits"), ("max_jobs", "max_jobs"), ("maxJobs", "max_jobs"),
                          ("pending_error", "pending_error"), ("plan_limit", "plan_limit")):
            if key in body:
                setattr(account, attr, body[key])
        return web.json_response(state.summary()["accounts"][account.email])

    app.router.add_get("/_sim/health", health)
    app.router.add_get("/_sim/state", get_state)
    app.router.add_post("/_sim/faults", add_faults)
    app.router.add_post("/_sim/reset-faults", reset_faults)
    app.router.add_post("/_sim/reset-requests", reset_requests)
    app.router.add_post("/_sim/clock/advance", advance)
    app.router.add_post("/_sim/accounts/{email}", adjust_account)
