"""Downloading results: streamed to ``<name>.part``, resumed with HTTP Range, renamed when complete.

Result URLs do not stay valid for ever (undocumented how long), so finished videos the user wants are
fetched into the library folder. The file name comes from a slug of the prompt plus the video number:
nothing the server sends can choose the directory. Only http(s) URLs are followed, and the API token is
never sent to the media host.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Callable
from urllib.parse import urlparse

import httpx

from pixverse_desktop.api.schemas import parse_video_id

if TYPE_CHECKING:
    from .engine import JobEngine

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class DownloadError(Exception):
    """``passing``: the media server or the connection failed this time; the same download later may
    work (and resumes from the ``.part``)."""

    def __init__(self, message: str, passing: bool = False) -> None:
        super().__init__(message)
        self.passing = passing


def slug(text: str, limit: int = 48) -> str:
    """ASCII letters, digits and dashes only: safe on every file system, never a path."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return words[:limit].rstrip("-") or "video"


def result_file_name(prompt: str, video_id: str, suffix: str = ".mp4") -> str:
    parsed = parse_video_id(video_id)
    tail = str(parsed[2]) if parsed else slug(video_id, 32)
    return f"{slug(prompt)}-{tail}{suffix}"


def safe_target(directory: str | Path, name: str) -> Path:
    directory = Path(directory).resolve()
    target = (directory / Path(name).name).resolve()
    if target.parent != directory or target.name in ("", ".", ".."):
        raise DownloadError(f"refusing to write outside {directory}")
    return target


class Downloader:
    def __init__(self, http: httpx.AsyncClient, library_dir: str | Path) -> None:
        self.http = http
        self.library_dir = Path(library_dir)

    async def fetch(self, url: str, name: str, progress: Progress | None = None) -> Path:
        """Download ``url`` into the library as ``name``; resumes a ``.part`` left by an earlier run."""
        if urlparse(url).scheme not in ("http", "https"):
            raise DownloadError("only http(s) result URLs are downloaded")
        await asyncio.to_thread(self.library_dir.mkdir, parents=True, exist_ok=True)
        target = safe_target(self.library_dir, name)
        if target.exists():
            return target
        part = target.with_name(target.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        # ``raw`` must outlive the response: left unfinished (an error), it is finalized after httpx
        # has closed the streams beneath it, so its clean-up has nothing left to await (closed
        # earlier, under qasync, that clean-up awaited a close nobody ran).
        raw = None
        async with self.http.stream("GET", url, headers=headers, timeout=httpx.Timeout(60.0)) as response:
            length = response.headers.get("Content-Length")
            if response.status_code == 416 and have:
                # The part may already be whole (killed between the last byte and the rename).
                whole = response.headers.get("Content-Range", "").rpartition("/")[2]
                if whole != str(have):
                    part.unlink()
                    raise DownloadError("the partial download did not match; it will start over")
                done = total = have
            elif response.status_code in (200, 206):
                if response.status_code == 200:
                    have = 0  # the server ignored the range: start over
                elif _range_start(response.headers.get("Content-Range", "")) != have:
                    part.unlink()   # not the rest of what is here: appending it would corrupt the file
                    raise DownloadError("the media server resumed at the wrong place; it will start over")
                total = have + int(length) if length else None
                raw = response.aiter_raw()   # as read: no re-chunking copy
                done = await self._write(_body_chunks(raw, total is not None), part, have, total, progress)
            else:
                raise DownloadError(f"the media server answered HTTP {response.status_code}",
                                    passing=response.status_code >= 500 or response.status_code in (408, 429))
        if total is not None and done != total:
            raise DownloadError(f"incomplete download ({done} of {total} bytes); it will resume", passing=True)
        os.replace(part, target)
        if progress:
            progress(done, total or done)
        return target

    @staticmethod
    async def _write(body: AsyncIterator[bytes], part: Path, have: int, total: int | None,
                     progress: Progress | None) -> int:
        """Receive and write at the same time: each chunk is written by a worker thread while the
        loop receives the next one (at most one write in flight, so memory stays bounded, and the
        GUI thread never waits on the disk)."""
        loop = asyncio.get_running_loop()
        done, last, last_done = have, 0.0, have
        step = max((total or 0) // 100, 1024 * 1024)  # report at least every 1 % (or MiB) and 0.1 s
        writing: asyncio.Future | None = None
        with open(part, "ab" if have else "wb") as handle:
            try:
                async with contextlib.aclosing(body):
                    async for chunk in body:
                        if writing is not None:
                            await writing
                        writing = loop.run_in_executor(None, handle.write, chunk)
                        done += len(chunk)
                        now = time.monotonic()
                        if progress and (now - last > 0.1 or done - last_done >= step):
                            last, last_done = now, done
                            progress(done, total or 0)
            finally:
                if writing is not None:
                    await asyncio.shield(writing)  # never close the file under a running write
            handle.flush()
            await asyncio.to_thread(os.fsync, handle.fileno())  # can take a while for a large file
        return done


async def _body_chunks(raw: AsyncIterator[bytes], known_length: bool) -> AsyncIterator[bytes]:
    """The body as it arrives (``raw`` is the response's ``aiter_raw()``: the app's transport hands
    over the chunks as the socket gave them, api/http11.py). A body of known length cut short ends
    the chunks: the caller sees the short count and keeps the ``.part`` to resume from. Without a
    length, only the error tells it was cut short: it must not end as if complete (a chunked result
    cut in half was saved as the video; verification pass)."""
    try:
        async for chunk in raw:
            yield chunk
    except httpx.RemoteProtocolError as exc:
        if not known_length:
            raise DownloadError("the download was cut short; it will resume", passing=True) from exc


def _range_start(content_range: str) -> int | None:
    """``bytes 500-999/1000`` → 500; None when it is not that form."""
    unit, _, spec = content_range.strip().partition(" ")
    start = spec.partition("-")[0]
    return int(start) if unit.lower() == "bytes" and start.isdigit() else None


async def download_job(engine: "JobEngine", job_id: str) -> None:
    """Download one job's result, reporting progress as job changes (not written on every chunk)."""
    job = engine.get(job_id)
    if job is None or not job.result_url or engine.downloader is None:
        return
    name = result_file_name(job.request.prompt, job.video_id or job.id)

    def progress(done: int, total: int) -> None:
        current = engine.get(job_id)
        if current is not None:
            engine.publish(current.evolve(download_done=done, download_total=total), persist=False)

    try:
        path = await engine.downloader.fetch(job.result_url, name, progress)
    except (DownloadError, httpx.HTTPError, OSError) as exc:
        log.warning("download of a result failed: %s", type(exc).__name__)
        current = engine.get(job_id) or job
        # A network fault is no folder problem: the advice pointed at Settings (network-failure pass).
        advice = ("It plays from the service meanwhile; Save as… fetches it again." if passing_failure(exc) else
                  "Use Save as… to save it elsewhere, or choose another library folder in Settings.")
        engine.publish(current.evolve(message=f"Done, but not saved to the library: {failure_words(exc)}. "
                                              + advice))
        return
    current = engine.get(job_id) or job
    size = path.stat().st_size
    engine.publish(current.evolve(local_path=str(path), download_done=size, download_total=size,
                                  message="Done; saved to the library"))


def passing_failure(exc: BaseException) -> bool:
    """The network or the media server failed this time (not the disk): the same download later may
    work, and goes on from its ``.part``."""
    return isinstance(exc, httpx.HTTPError) or (isinstance(exc, DownloadError) and exc.passing)


def failure_words(exc: BaseException) -> str:
    """A download failure in a creator's words: "No such file or directory (/proc/nope)" rather than
    "[Errno 2] No such file or directory: '/proc/nope'"."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    if isinstance(exc, httpx.HTTPError):
        return "the connection failed while downloading"
    return str(exc) or type(exc).__name__
