"""`download`: a job's or a video's result into the library (or --dir)."""

from __future__ import annotations

import argparse
import json
import os

import httpx

from pixverse_desktop.api import BadRequest, NotFound, PixverseClient
from pixverse_desktop.api.schemas import Video, parse_video_id
from pixverse_desktop.jobs.downloads import (
    DownloadError, Downloader, failure_words, passing_failure, result_file_name,
)
from pixverse_desktop.jobs.models import JobState

from .common import CliError, Session, exit_code_for_job, percent_printer, say, state_words
from .options import EXIT_ERROR, EXIT_FAILED, EXIT_INVALID, EXIT_NETWORK, EXIT_NOT_READY, EXIT_OK


async def cmd_download(args: argparse.Namespace) -> int:
    if args.dir and os.path.exists(args.dir) and not os.path.isdir(args.dir):   # it said "File exists"
        raise CliError(f"--dir {args.dir} is a file, not a folder: name a folder to save into.", EXIT_INVALID)
    session = Session(args)
    try:
        job = session.store.get(args.id) or session.store.by_video_id(args.id) or \
            session.store.by_id_prefix(args.id)
        if job is not None and job.state is not JobState.COMPLETED and not job.result_url:
            if job.state.is_final:
                # As `extend` ends for the same job (moderation 5, not 6), and one full stop, not "again.)."
                raise CliError(f"Job {job.id[:8]} {state_words(job)}: there is no result to download"
                               + (f" ({job.message.rstrip('.')})" if job.message else "") + ".",
                               exit_code_for_job(job) or EXIT_FAILED)
            if not job.video_id:   # not sent yet; running is not failed: 6 said so (CLI pass)
                raise CliError(f"Job {job.id[:8]} {state_words(job)}: it has no result yet. "
                               "`pixverse-desktop jobs --wait` sends it and follows it; download it then.",
                               EXIT_NOT_READY)
            # Sent: the journal may lag behind the service, as nothing followed the job since (it said
            # "queued" of a finished video; CLI pass). The service is asked below.
        if job is None and parse_video_id(args.id) is None:   # the service's answer named "email" (CLI pass)
            raise CliError(f"“{args.id}” is neither a job of this journal (`pixverse-desktop jobs` lists them) "
                           "nor a video ID (user:…-pixverse:…-video:…).", EXIT_INVALID)
        video_id, url, prompt = (job.video_id, job.result_url, job.request.prompt) if job else (args.id, "", "")
        if not url:
            if not video_id:
                raise CliError("That job has no video yet.", EXIT_INVALID)
            video = await _video_for_download(session.client, video_id)
            url, prompt = video.url, prompt or video.prompt
            if not url and not video.status.is_final:
                raise CliError(f"The video is not finished yet ({video.status_label}): download it once it is "
                               "COMPLETED" + (" (`pixverse-desktop jobs --wait` follows it)." if job else "."),
                               EXIT_NOT_READY)
            if not url:
                raise CliError(f"The video has no result to download ({video.status_label}).", EXIT_FAILED)
        target_dir = args.dir or _library_dir()
        downloader = Downloader(session.http, target_dir)
        say(f"Downloading into {target_dir}…")
        try:
            path = await downloader.fetch(url, result_file_name(prompt, video_id or args.id),
                                          percent_printer())
        # A folder that cannot be made or written, or a media host that refused, dropped or timed out:
        # each was a traceback.
        except (OSError, DownloadError, httpx.HTTPError) as exc:
            passing = passing_failure(exc)
            raise CliError(f"Not downloaded: {failure_words(exc)}."
                           + (" Run the same command again: it goes on from there." if passing else ""),
                           EXIT_NETWORK if passing else EXIT_ERROR) from None
    finally:
        await session.close()
    print(json.dumps({"path": str(path), "video_id": video_id}) if args.json else str(path))
    return EXIT_OK


async def _video_for_download(client: PixverseClient, video_id: str) -> Video:
    """GET /videos/{id} answers 404 for a video still being made (documented): the list, which shows
    it, tells "not finished yet" from "no such video"; the service's own 404 text named GET /videos,
    and for an account the token lacks its 400 told the creator to configure one (CLI pass)."""
    parsed = parse_video_id(video_id)
    try:
        return await client.get_video(video_id)
    except (NotFound, BadRequest):
        if parsed and parsed[1] not in {a.email for a in await client.accounts()}:
            raise CliError(f"No video {video_id}: {parsed[1]} is not an account of this token.",
                           EXIT_INVALID) from None
        listed = await client.list_videos(parsed[1] if parsed else None)
        match = next((v for v in listed if v.video_id == video_id), None)
        if match is None:
            raise CliError(f"No video {video_id} on this token's accounts.", EXIT_ERROR) from None
        return match


def _library_dir() -> str:
    from pixverse_desktop.storage.settings import Settings

    return Settings().get("library_dir")
