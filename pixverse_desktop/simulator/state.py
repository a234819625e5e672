"""The simulator's world: accounts, videos, jobs, credits, charges, uploads, request log and clock.

All business rules of extend-v3 that are not about the shape of the body live here (which account,
busy / plan limit / pending error / moderation / credits, the job clock). The HTTP layer stays thin.
Everything runs on the server's event loop; nothing here blocks or does I/O.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from .config import EFFECTS, PALETTE, SEED_PROMPTS, AccountConfig, SimulatorConfig, credit_cost
from .faults import Faults
from .records import (
    COMPLETED, FAILED, GENERATING, MODERATED, QUEUED, TERMINAL, AccountState, Charge, RequestRecord,
    Upload, VideoRecord, iso, user_id_for, video_json,
)
from .validation import ApiFailure, ExtendParams, bad

MODERATION_MESSAGE = ("Your prompt has triggered our AI moderator, please modify your prompt and "
                      "try again.")
CREDITS_MESSAGE = ("All Credits have been used up. Please upgrade your membership or purchase "
                   "credits.")
PENDING_MESSAGE = ("Your PixVerse account has pending error. Please update your account using "
                   "POST /accounts/{email} to resolve it.")
PLAN_LIMIT_MESSAGE = "Reached the limit for concurrent generations."
NOT_CONFIGURED = "Configuration not found. To create configuration use POST /accounts/{email}."

Transition = tuple[VideoRecord, int, int]  # (video, old status, new status)


def busy_message(email: str, max_jobs: int) -> str:
    return f"Account {email} is busy executing {max_jobs} tasks."


class SimClock:
    """Monotonic time with an adjustable offset so tests can jump ahead instead of sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class SimState:
    SEED_SPACING = timedelta(minutes=10)

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.clock = SimClock()
        self.accounts: dict[str, AccountState] = {}
        self.videos: dict[int, VideoRecord] = {}
        self.active: list[VideoRecord] = []  # jobs not yet final, oldest first
        self.uploads: dict[str, Upload] = {}
        self.charges: list[Charge] = []
        self.requests: list[RequestRecord] = []  # every request under the API prefix
        self.media_requests: list[RequestRecord] = []  # everything under /media
        self.callbacks: list[dict[str, Any]] = []  # replyUrl deliveries (url, video_id, status, ok)
        self.faults = Faults()
        self.effects: dict[int, dict[str, Any]] = {e["template_id"]: dict(e) for e in EFFECTS}
        self.media_root = ""  # "http://127.0.0.1:<port>", set when the server is bound
        self.on_transition: Callable[[VideoRecord, int, int], None] | None = None
        self._next_number = 310_000_001
        self._rng = random.Random(20241206)
        for index, account in enumerate(config.accounts):
            self.add_account(account, seeds=config.seed_videos, shift=index)

    # -- set-up ---------------------------------------------------------------------------------

    def _number(self) -> int:
        number = self._next_number
        self._next_number += 1
        return number

    def add_account(self, account: AccountConfig, seeds: int = 0, shift: int = 0) -> AccountState:
        state = AccountState(email=account.email, user_id=user_id_for(account.email),
                             max_jobs=account.max_jobs, credits=account.credits,
                             pending_error=account.pending_error, plan_limit=account.plan_limit)
        self.accounts[account.email] = state
        prompts = self.config.seed_prompts or SEED_PROMPTS
        # a second account starts half-way through the list, so two accounts do not look identical
        start = (shift * len(prompts) // 2) % len(prompts)
        prompts = tuple(prompts[start:]) + tuple(prompts[:start])
        now = datetime.now(timezone.utc).replace(microsecond=0)
        for i in range(seeds):
            prompt = prompts[i % len(prompts)]
            if i >= len(prompts):
                prompt = f"{prompt} (take {i // len(prompts) + 1})"
            duration = 8 if i % 3 == 2 else 5
            video = VideoRecord(
                number=self._number(), email=state.email, user_id=state.user_id, prompt=prompt,
                created=now - self.SEED_SPACING * (seeds - i), duration=duration, video_duration=duration,
                quality="360p" if i % 2 else "540p", color=PALETTE[(i + shift * 5) % len(PALETTE)],
                seed=self._rng.randint(1, 2147483647), is_seed=True, seed_index=i,
                shared_media=i >= self.config.distinct_seed_media,
            )
            state.videos.append(video)
            self.videos[video.number] = video
        return state

    # -- lookups --------------------------------------------------------------------------------

    def find_video(self, video_id: str) -> VideoRecord | None:
        tail = video_id.rpartition("-video:")[2]
        if not tail.isdigit():
            return None
        video = self.videos.get(int(tail))
        return video if video is not None and video.video_id == video_id else None

    def account_for_query(self, email: str | None) -> AccountState:
        """The account a GET/POST with an optional ``email`` query means (doc: required with several)."""
        if email:
            account = self.accounts.get(email)
            if account is None:
                raise bad(f"Account {email} is not configured. {NOT_CONFIGURED.format(email=email)}")
        elif len(self.accounts) == 1:
            account = next(iter(self.accounts.values()))
        elif not self.accounts:
            raise bad("No PixVerse account is configured. " + NOT_CONFIGURED)
        else:
            raise bad("Parameter email is required when more than one account is configured")
        if account.pending_error:
            raise ApiFailure(596, PENDING_MESSAGE)
        return account

    def running(self, email: str) -> int:
        return sum(1 for video in self.active if video.email == email)

    def queue_info(self, video: VideoRecord, now: float) -> tuple[int, int]:
        if video.status != QUEUED:
            return 0, 0
        ahead = sum(1 for v in self.active if v.status == QUEUED and v.number < video.number)
        return max(0, math.ceil(video.phases[0] - now)), ahead

    def video_json(self, video: VideoRecord, now: float | None = None) -> dict[str, Any]:
        queue_time, queue_count = self.queue_info(video, self.clock.now() if now is None else now)
        return video_json(video, self.media_root, effects=self.effects, queue_time=queue_time,
                          queue_count=queue_count)

    def list_videos(self, account: AccountState, limit: int, offset: int) -> list[VideoRecord]:
        """Newest first: slice the creation-ordered list from its end (O(limit) even for 10,000 seeds)."""
        end = len(account.videos) - offset
        if end <= 0:
            return []
        return account.videos[max(0, end - limit):end][::-1]

    # -- extend-v3 ------------------------------------------------------------------------------

    def _refusal(self, account: AccountState, max_jobs: int | None) -> ApiFailure | None:
        if account.pending_error:
            return ApiFailure(596, PENDING_MESSAGE)
        limit = max_jobs or account.max_jobs
        running = self.running(account.email)
        if running >= limit:
            return ApiFailure(429, busy_message(account.email, limit))
        if account.plan_limit is not None and running >= account.plan_limit:
            return ApiFailure(429, PLAN_LIMIT_MESSAGE)
        return None

    def _words(self, text: str, words: tuple[str, ...] | list[str]) -> bool:
        lowered = text.lower()
        return any(word and word.lower() in lowered for word in words)

    def submit_extend(self, params: ExtendParams) -> VideoRecord:
        """Accept or refuse one extend-v3 call (the body already passed :func:`parse_extend`)."""
        config = self.config
        source_video: VideoRecord | None = None
        source_seconds = 0
        if params.video_id:
            source_video = self.find_video(params.video_id)
            if source_video is None:
                raise bad(f"Parameter video_id {params.video_id} not found")
            if source_video.status != COMPLETED:
                raise bad(f"Parameter video_id {params.video_id} is not a completed video")
            source_seconds = source_video.video_duration
        else:
            upload = self.uploads.get(params.video_path or "")
            if upload is None:
                raise bad(f"Parameter video_path {params.video_path} not found, upload it with POST /files")
            if upload.kind != "video":
                raise bad(f"Parameter video_path {params.video_path} is not a video")
            source_seconds = max(1, round(upload.duration))
        if params.template_id is not None and params.template_id not in self.effects:
            raise bad(f"Parameter template_id {params.template_id} not found, see GET /videos/effects")

        if params.email:
            account = self.accounts.get(params.email)
            if account is None:
                raise bad(f"Account {params.email} is not configured. "
                          + NOT_CONFIGURED.format(email=params.email))
            refusal = self._refusal(account, params.max_jobs)
            if refusal:
                raise refusal
        else:
            if not self.accounts:
                raise bad("No PixVerse account is configured. " + NOT_CONFIGURED)
            order = list(self.accounts.values())
            if source_video is not None:  # the account that owns the source video goes first
                owner = self.accounts.get(source_video.email)
                if owner is not None:
                    order.remove(owner)
                    order.insert(0, owner)
            account = next((a for a in order if self._refusal(a, params.max_jobs) is None), None)
            if account is None:
                raise self._refusal(order[0], params.max_jobs)  # type: ignore[misc]

        if self._words(params.prompt, config.moderated_words) or \
                self._words(params.negative_prompt, config.moderated_words):
            raise ApiFailure(422, MODERATION_MESSAGE)
        cost = credit_cost(params.duration, params.quality)
        if account.credits < cost:
            raise ApiFailure(412, CREDITS_MESSAGE)

        now = self.clock.now()
        queued_end = now + config.queue_seconds
        unknown_end = queued_end + (config.unknown_status_seconds
                                    if self._words(params.prompt, [config.unknown_status_word]) else 0.0)
        outcome = COMPLETED
        if self._words(params.prompt, [config.fail_word]):
            outcome = FAILED
        elif self._words(params.prompt, [config.moderate_after_word]):
            outcome = MODERATED
        number = self._number()
        video = VideoRecord(
            number=number, email=account.email, user_id=account.user_id, prompt=params.prompt,
            created=datetime.now(timezone.utc), duration=params.duration,
            video_duration=source_seconds + params.duration, quality=params.quality,
            color=PALETTE[number % len(PALETTE)], seed=params.seed or self._rng.randint(1, 2147483647),
            status=QUEUED, negative_prompt=params.negative_prompt, motion_mode=params.motion_mode,
            style=params.style, template_id=params.template_id or 0,
            remove_watermark=params.remove_watermark,
            source_number=source_video.number if source_video else 0,
            source_upload="" if source_video else (params.video_path or ""),
            source_seconds=source_seconds, outcome=outcome,
            phases=(queued_end, unknown_end, unknown_end + config.generate_seconds),
            reply_url=params.reply_url, reply_ref=params.reply_ref,
        )
        account.credits -= cost
        account.videos.append(video)
        self.videos[number] = video
        self.active.append(video)
        self.charges.append(Charge(account.email, params.prompt, video.video_id, cost,
                                   iso(datetime.now(timezone.utc))))
        return video

    # -- the job clock ----------------------------------------------------------------------------

    def status_at(self, video: VideoRecord, now: float) -> int:
        queued_end, unknown_end, generating_end = video.phases
        if now < queued_end:
            return QUEUED
        if now < unknown_end:
            return self.config.unknown_status_code
        if now < generating_end:
            return GENERATING
        return video.outcome

    def sync(self) -> list[Transition]:
        """Move every job to where the clock says it is; report each change (for media and callbacks)."""
        now = self.clock.now()
        changes: list[Transition] = []
        for video in list(self.active):
            status = self.status_at(video, now)
            if status != video.status:
                changes.append((video, video.status, status))
                video.status = status
            if status in TERMINAL:
                self.active.remove(video)
        if self.on_transition:
            for video, old, new in changes:
                self.on_transition(video, old, new)
        return changes

    # -- accounts -------------------------------------------------------------------------------

    def account_json(self, account: AccountState) -> dict[str, Any]:
        expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        return {
            "email": account.email,
            "password": "…secured…",
            "maxJobs": account.max_jobs,
            "jwt": {
                "AccountId": int(account.user_id),
                "ExpireTime": int(expires.timestamp()),
                "ExpireTimeUTC": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "Username": account.email.split("@")[0],
                "token": f"{account.user_id[:3]}…secured…{account.user_id[-3:]}",
            },
        }

    # -- introspection (GET /_sim/state) ----------------------------------------------------------

    def summary(self, recent: int = 200) -> dict[str, Any]:
        now = self.clock.now()
        jobs = [self.video_json(v, now) for v in self.videos.values() if not v.is_seed]
        by_path: dict[str, int] = {}
        for r in self.requests:
            key = f"{r.method} {r.path}"
            by_path[key] = by_path.get(key, 0) + 1
        return {
            "accounts": {a.email: {"credits": a.credits, "maxJobs": a.max_jobs, "pending_error": a.pending_error,
                                   "plan_limit": a.plan_limit, "running": self.running(a.email),
                                   "videos": len(a.videos)} for a in self.accounts.values()},
            "jobs": jobs,
            "charges": [asdict(c) for c in self.charges],
            "requests": {"count": len(self.requests), "media_count": len(self.media_requests),
                         "by_path": by_path, "recent": [asdict(r) for r in self.requests[-recent:]]},
            "uploads": [asdict(u) for u in self.uploads.values()],
            "callbacks": self.callbacks[-recent:],
            "faults": self.faults.to_json(),
        }
