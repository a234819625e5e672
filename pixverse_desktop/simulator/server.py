"""The aiohttp application: useapi.net PixVerse v2 routes under /v2/pixverse, plus /media and /_sim.

Middleware order (outermost first): request log + injected faults, then JSON errors and Bearer auth.
Routes answer with and without a trailing slash, because useapi's own examples use both
(``/videos/?email=...`` and ``/videos/extend-v3``) and a redirect would break ``curl`` without -L.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web

from .config import MAX_JOBS_MAX, MAX_JOBS_MIN, UPLOAD_MAX_BYTES, AccountConfig
from .records import TERMINAL, RequestRecord, Upload
from .state import PENDING_MESSAGE
from .validation import ApiFailure, bad, parse_extend, parse_paging

if TYPE_CHECKING:  # pragma: no cover
    from .runner import Simulator

log = logging.getLogger(__name__)

API = "/v2/pixverse"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# POST /files: the documented Content-Types (matched case-insensitively) → (kind, file extension).
UPLOAD_TYPES: dict[str, tuple[str, str]] = {
    "video/mp4": ("video", "mp4"), "video/quicktime": ("video", "mov"), "video/3gpp": ("video", "3gp"),
    "video/x-matroska": ("video", "mkv"), "video/x-flv": ("video", "flv"), "video/mpeg": ("video", "mpeg"),
    "video/mp2t": ("video", "ts"), "video/x-msvideo": ("video", "avi"),
    "video/x-motion-jpeg": ("video", "mjpeg"), "video/webm": ("video", "webm"), "video/ogg": ("video", "ogv"),
    "image/png": ("image", "png"), "image/jpeg": ("image", "jpg"), "image/gif": ("image", "gif"),
    "image/webp": ("image", "webp"), "audio/wav": ("audio", "wav"), "audio/wave": ("audio", "wav"),
    "audio/mpeg": ("audio", "mp3"),
}
MALFORMED_BODY = b'{"data": [{"video_id": "user:1-pixverse:x@y-video:1", <html>502 Bad Gateway</html>'


def error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message, "code": status}, status=status)


def build_app(sim: "Simulator") -> web.Application:
    state = sim.state

    @web.middleware
    async def log_and_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if path.startswith("/_sim"):
            return await handler(request)
        record = RequestRecord(request.method, path, request.query_string, 0)
        is_api = path == API or path.startswith(API + "/")
        (state.requests if is_api else state.media_requests).append(record)
        delay = state.faults.latency(request.method, path)
        if delay:
            await asyncio.sleep(delay)
        fault = state.faults.take(request.method, path)
        if fault is not None:
            record.fault = fault.kind
            if fault.kind == "drop":
                # Close the socket without a byte of answer: the client sees a disconnect.
                if request.transport is not None:
                    request.transport.abort()
                # aiohttp notices the closed transport and writes nothing of this response.
                return web.Response(status=599)
            if fault.kind == "error":
                record.status = fault.status
                return error(fault.status, f"Simulated upstream failure (HTTP {fault.status})")
            record.status = 200
            return web.Response(status=200, body=MALFORMED_BODY, content_type="application/json")
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            record.status = exc.status
            raise
        record.status = response.status
        return response

    @web.middleware
    async def auth_and_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not (path == API or path.startswith(API + "/")):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), sim.config.token.encode()):
            return error(401, "Unauthorized")
        try:
            return await handler(request)
        except ApiFailure as failure:
            return error(failure.status, failure.message)
        except web.HTTPException as exc:  # unknown route / method under the API prefix: JSON, like the rest
            if exc.status < 400:
                raise
            return error(exc.status, exc.reason)

    app = web.Application(middlewares=[log_and_faults, auth_and_errors], client_max_size=UPLOAD_MAX_BYTES)

    def route(method: str, path: str, handler: Handler) -> None:
        app.router.add_route(method, API + path, handler)
        app.router.add_route(method, API + path + "/", handler)

    # -- POST /videos/extend-v3 -------------------------------------------------------------------

    async def extend(request: web.Request) -> web.Response:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            data: Any = {}
            for key, value in form.items():
                if isinstance(value, str):
                    data.setdefault(key, value)
            params = parse_extend(data, from_form=True)
        else:
            raw = await request.read()
            try:
                data = json.loads(raw or b"null")
            except ValueError:
                raise bad("Request body must be JSON (or multipart/form-data)") from None
            params = parse_extend(data if isinstance(data, dict) else None)  # type: ignore[arg-type]
        storm = state.faults.take(request.method, request.path, kinds=("storm429",))
        if storm is not None:
            if storm.busy:
                email = params.email or next(iter(state.accounts), "unknown")
                account = state.accounts.get(email)
                raise ApiFailure(429, f"Account {email} is busy executing "
                                      f"{params.max_jobs or (account.max_jobs if account else 1)} tasks.")
            raise ApiFailure(429, "Reached the limit for concurrent generations.")
        state.sync()
        video = state.submit_extend(params)
        sim.job_created(video)
        return web.json_response({"video_id": video.video_id})

    # -- GET /videos, /videos/{id}, /videos/effects ---------------------------------------------

    async def list_videos(request: web.Request) -> web.Response:
        state.sync()
        account = state.account_for_query(request.query.get("email"))
        limit, offset = parse_paging(request.query, 40)
        now = state.clock.now()
        return web.json_response({"data": [state.video_json(v, now)
                                           for v in state.list_videos(account, limit, offset)]})

    async def get_video(request: web.Request) -> web.Response:
        state.sync()
        video_id = request.match_info["video_id"]
        video = state.find_video(video_id)
        if video is None:
            raise ApiFailure(404, f"Video {video_id} not found")
        if state.accounts[video.email].pending_error:
            raise ApiFailure(596, PENDING_MESSAGE)
        if video.status not in TERMINAL:
            # Documented: a video that is still processing answers 404; GET /videos lists it.
            raise ApiFailure(404, f"Video {video_id} not found, it may still be processing, "
                                  "use GET /videos to check its status")
        return web.json_response(state.video_json(video))

    async def effects(request: web.Request) -> web.Response:
        state.account_for_query(request.query.get("email"))
        limit, offset = parse_paging(request.query, 100)
        items = []
        for effect in list(state.effects.values())[offset:offset + limit]:
            tid = effect["template_id"]
            items.append({
                "display_name": effect["display_name"], "workflow_tag": effect["workflow_tag"],
                "template_id": tid,
                "thumbnail_path": f"{state.media_root}/media/effects/{tid}.png",
                "thumbnail_video_path": f"{state.media_root}/media/effects/{tid}.mp4",
                "marker": effect["marker"], "created_at": effect["created_at"],
                "updated_at": effect["updated_at"], "display_prompt": effect["display_prompt"],
                "i18n_json": json.dumps({"en": {"display_name": effect["display_name"],
                                                "display_prompt": effect["display_prompt"]}}),
                "example_list": json.dumps([{"prompt": effect["display_prompt"]}]),
            })
        return web.json_response({"items": items})

    # -- POST /files --------------------------------------------------------------------------------

    async def drain(request: web.Request) -> None:
        # Read what the client is still sending so it gets our 400 instead of a broken pipe.
        while await request.content.readany():
            pass

    async def upload(request: web.Request) -> web.Response:
        try:
            state.account_for_query(request.query.get("email"))
        except ApiFailure:
            await drain(request)
            raise
        raw_type = request.headers.get("Content-Type", "")
        content_type = raw_type.split(";")[0].strip().lower()
        if content_type not in UPLOAD_TYPES:
            await drain(request)
            raise bad(f"Unsupported Content-Type {raw_type or '(none)'}; supported: "
                      + ", ".join(sorted(UPLOAD_TYPES)))
        kind, ext = UPLOAD_TYPES[content_type]
        name = f"{uuid.uuid4().hex}.{ext}"
        target = sim.media.uploads_dir / name
        size = 0
        with target.open("wb") as handle:
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > UPLOAD_MAX_BYTES:
                    handle.close()
                    target.unlink(missing_ok=True)
                    await drain(request)
                    raise bad("File is larger than 5 GB")
                handle.write(chunk)
        if size == 0:
            target.unlink(missing_ok=True)
            raise bad("Request body is empty: send the file bytes with the matching Content-Type")
        duration = 0.0
        if kind == "video":
            from .render import probe_video  # lazy: PyAV import is not needed to route requests
            probe = await sim.media.run(probe_video, target)
            if probe is None:
                target.unlink(missing_ok=True)
                raise bad(f"The uploaded file is not a readable {content_type} video")
            duration = probe[0]
        path = f"upload/{name}"
        url = f"{state.media_root}/media/uploads/{name}"
        state.uploads[path] = Upload(path, str(target), content_type, size, kind, duration)
        if kind == "image":
            return web.json_response({"result": [{"id": len(state.uploads), "url": url, "path": path,
                                                  "size": size, "name": name, "category": 0,
                                                  "err_msg": ""}]})
        return web.json_response({"path": path, "url": url})

    # -- accounts -----------------------------------------------------------------------------------

    async def accounts(request: web.Request) -> web.Response:
        if not state.accounts:
            raise ApiFailure(404, "Configuration not found. To create configuration use POST /accounts/{email}.")
        return web.json_response({e: state.account_json(a) for e, a in state.accounts.items()})

    async def account(request: web.Request) -> web.Response:
        email = request.match_info["email"]
        if email not in state.accounts:
            raise ApiFailure(404, f"Configuration not found. To create configuration use POST /accounts/{email}.")
        return web.json_response(state.account_json(state.accounts[email]))

    async def update_account(request: web.Request) -> web.Response:
        """POST /accounts/{email}: create or update an account; clears a pending error (596)."""
        email = request.match_info["email"]
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise bad("Request body must be JSON") from None
        if not isinstance(body, dict):
            raise bad("Request body must be a JSON object")
        if body.get("email") not in (None, email):
            raise bad("Parameter email must match the email in the URL")
        password = body.get("password")
        if not isinstance(password, str) or not password:
            raise bad("Parameter password is required")
        max_jobs = body.get("maxJobs", 1)
        if isinstance(max_jobs, bool) or not isinstance(max_jobs, int) or not MAX_JOBS_MIN <= max_jobs <= MAX_JOBS_MAX:
            raise bad(f"Parameter maxJobs must be in range {MAX_JOBS_MIN}…{MAX_JOBS_MAX}")
        if "@" not in email:
            raise bad("Parameter email must be an email address")
        existing = state.accounts.get(email)
        if existing is None:
            existing = state.add_account(AccountConfig(email, max_jobs=max_jobs))
        existing.max_jobs, existing.pending_error = max_jobs, False
        return web.json_response(state.account_json(existing))

    route("POST", "/videos/extend-v3", extend)
    route("GET", "/videos", list_videos)
    route("GET", "/videos/effects", effects)  # before /videos/{video_id}: routes match in order
    route("GET", "/videos/{video_id}", get_video)
    route("POST", "/files", upload)
    route("GET", "/accounts", accounts)
    route("GET", "/accounts/{email}", account)
    route("POST", "/accounts/{email}", update_account)

    async def not_found(request: web.Request) -> web.Response:
        raise ApiFailure(404, f"Not found: {request.method} {request.path}")

    app.router.add_route("*", API + "/{tail:.*}", not_found)

    from .admin import add_admin_routes
    from .media import add_media_routes

    add_media_routes(app, sim)
    add_admin_routes(app, sim)
    return app
