"""The async client for useapi.net PixVerse v2: one long-lived httpx.AsyncClient for the whole app.

The token is asked for at send time (``token_provider``), so a token entered in the settings applies
to the very next request, and it only ever goes to the API host: media URLs on other hosts are fetched
without it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Collection
from urllib.parse import quote, urlsplit

import httpx

from pixverse_desktop import DEFAULT_API_BASE

from .errors import BadAddress, InvalidResponse, Unauthorized, error_from_response, error_from_transport
from .schemas import Account, Effect, ExtendRequest, UploadResult, Video
from .transport import make_http_client
from .validate import check_extend, upload_content_type

log = logging.getLogger(__name__)

TokenProvider = Callable[[], str | None]
ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes)
UPLOAD_CHUNK = 256 * 1024


def api_base_from_env(explicit: str | None = None) -> str:
    """The API base URL: ``explicit`` (--api-base, the setting), else PIXVERSE_API_BASE, else useapi.net.
    Raises BadAddress for anything but an http(s) URL with a host, before any request is tried."""
    base = (explicit or os.environ.get("PIXVERSE_API_BASE") or DEFAULT_API_BASE).rstrip("/")
    parsed = urlsplit(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BadAddress(base)
    return base


class PixverseClient:
    def __init__(self, base_url: str, token_provider: TokenProvider,
                 http: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token_provider = token_provider
        self._owns_http = http is None
        self.http = http or make_http_client()
        self.request_count = 0  # every request sent to the API host, for benchmarks and tests

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    # -- plumbing -------------------------------------------------------------------------------

    def _headers(self, content_type: str | None = "application/json") -> dict[str, str]:
        token = self._token_provider()
        if not token:
            raise Unauthorized("no API token is set")
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    async def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                       json_body: Any = None, content: Any = None, content_type: str | None = None,
                       extra_headers: dict[str, str] | None = None, timeout: Any = None) -> Any:
        headers = self._headers(content_type if content is not None else
                                ("application/json" if json_body is not None else None))
        if extra_headers:
            headers.update(extra_headers)
        params = {k: v for k, v in (params or {}).items() if v is not None}
        body = json.dumps(json_body).encode() if json_body is not None else content
        self.request_count += 1
        kwargs: dict[str, Any] = {}
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self.http.request(method, self.base_url + path, params=params,
                                               content=body, headers=headers, **kwargs)
            raw = response.content
        except httpx.HTTPError as exc:
            log.info("%s %s failed: %s: %s", method, path, type(exc).__name__, exc)   # why, too (CLI pass)
            raise error_from_transport(exc) from None
        if response.status_code >= 300:
            log.info("%s %s -> %s", method, path, response.status_code)
            raise error_from_response(response.status_code, raw, response.headers.get("Retry-After"))
        try:
            return json.loads(raw)
        except ValueError:
            raise InvalidResponse(f"{method} {path} answered something that is not JSON") from None

    @staticmethod
    def _expect_dict(data: Any, what: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise InvalidResponse(f"{what} answered an unexpected shape")
        return data

    # -- endpoints ------------------------------------------------------------------------------

    async def extend(self, req: ExtendRequest) -> str:
        """POST /videos/extend-v3; returns the new video_id. Validates first: nothing invalid is sent."""
        check_extend(req)
        data = self._expect_dict(await self._request("POST", "/videos/extend-v3", json_body=req.to_payload()),
                                 "extend-v3")
        video_id = data.get("video_id")
        if not isinstance(video_id, str) or not video_id:
            raise InvalidResponse("extend-v3 answered without a video_id")
        return video_id

    async def list_videos(self, email: str | None = None, limit: int = 40, offset: int = 0, *,
                          only: Collection[str] | None = None) -> list[Video]:
        """A page of the account's videos, newest first. ``only``: parse just the videos with these ids
        (a poller looks for its few jobs in a page of 40: parsing the rest was most of an idle
        window's CPU)."""
        data = self._expect_dict(
            await self._request("GET", "/videos", params={"email": email, "limit": limit, "offset": offset}),
            "GET /videos")
        items = data.get("data") or []
        if not isinstance(items, list):
            raise InvalidResponse("GET /videos answered an unexpected shape")
        return [Video.from_dict(item) for item in items
                if isinstance(item, dict) and (only is None or item.get("video_id") in only)]

    async def iter_videos(self, email: str | None = None, page_size: int = 40,
                          max_pages: int | None = None) -> AsyncIterator[list[Video]]:
        """Every page of GET /videos, newest first, until a short page."""
        offset, pages = 0, 0
        while max_pages is None or pages < max_pages:
            page = await self.list_videos(email, limit=page_size, offset=offset)
            pages += 1
            if page:
                yield page
            if len(page) < page_size:
                return
            offset += len(page)

    async def all_videos(self, email: str | None = None, page_size: int = 40) -> list[Video]:
        return [video async for page in self.iter_videos(email, page_size) for video in page]

    async def get_video(self, video_id: str) -> Video:
        """GET /videos/{id}; answers NotFound while the video is still processing (documented)."""
        data = self._expect_dict(await self._request("GET", "/videos/" + quote(video_id, safe=":@")),
                                 "GET /videos/{id}")
        return Video.from_dict(data)

    async def effects(self, email: str | None = None, limit: int = 100, offset: int = 0) -> list[Effect]:
        data = self._expect_dict(
            await self._request("GET", "/videos/effects",
                                params={"email": email, "limit": limit, "offset": offset}),
            "GET /videos/effects")
        return [Effect.from_dict(e) for e in data.get("items") or [] if isinstance(e, dict)]

    async def accounts(self) -> list[Account]:
        data = self._expect_dict(await self._request("GET", "/accounts"), "GET /accounts")
        return [Account.from_dict(value, email) for email, value in data.items() if isinstance(value, dict)]

    async def account(self, email: str) -> Account:
        data = self._expect_dict(await self._request("GET", "/accounts/" + quote(email, safe="@")),
                                 "GET /accounts/{email}")
        return Account.from_dict(data, email)

    async def upload_file(self, path: str | Path, email: str | None = None,
                          progress: ProgressCallback | None = None) -> UploadResult:
        """POST /files with the raw bytes streamed from disk; returns the ``path`` to use as video_path."""
        path = Path(path)
        content_type = upload_content_type(path, video_only=True)
        total = path.stat().st_size

        async def chunks() -> AsyncIterator[bytes]:
            sent = 0
            if progress:
                progress(0, total)
            with path.open("rb") as handle:
                while chunk := handle.read(UPLOAD_CHUNK):
                    sent += len(chunk)
                    yield chunk
                    if progress:
                        progress(sent, total)

        data = await self._request("POST", "/files", params={"email": email}, content=chunks(),
                                   content_type=content_type,
                                   extra_headers={"Content-Length": str(total)},
                                   timeout=httpx.Timeout(600.0, connect=10.0))
        result = UploadResult.from_dict(self._expect_dict(data, "POST /files"))
        if not result.path:
            raise InvalidResponse("POST /files answered without a path")
        return result

