"""Configuration of the local useapi.net PixVerse v2 simulator.

Plain dataclasses so tests, the CLI and the app's demo mode build them the same way. Every trigger word
and every clock is configurable: tests want 50 ms phases, a demo wants a few seconds so people can
watch a job move through QUEUED and GENERATING.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

# Limits written down from /work/shared/api/useapi-pixverse-v2.md on purpose rather than imported
# from pixverse_desktop.api: if the client got a limit wrong, tests against the simulator must catch it.
PROMPT_MAX = 2048
REPLY_MAX = 1024
SEED_MIN, SEED_MAX = 1, 2147483647
MAX_JOBS_MIN, MAX_JOBS_MAX = 1, 8
DURATIONS = (5, 8)
QUALITIES = ("540p", "360p")
MOTION_MODES = ("normal", "fast")
STYLES = ("anime", "3d_animation", "clay")
# The output size of a 16:9 result per quality (what the simulator renders and reports).
RESOLUTIONS = {"360p": (640, 360), "540p": (960, 540)}
UPLOAD_MAX_BYTES = 5 * 1024**3


def credit_cost(duration: int, quality: str) -> int:
    """Credits one extension costs. The doc does not say; the simulator's rule: 5 s = 1, 8 s = 2.

    Quality does not change the price here (kept simple so tests can reason about balances).
    """
    return 2 if duration == 8 else 1


@dataclass
class AccountConfig:
    """One configured PixVerse account, as useapi.net would hold it."""

    email: str
    max_jobs: int = 3
    credits: int = 100
    pending_error: bool = False  # True: every call on this account answers 596
    plan_limit: int | None = None  # PixVerse's own concurrent limit (429 "Reached the limit ...")

    def __post_init__(self) -> None:
        if "@" not in self.email:
            raise ValueError(f"account email must contain @: {self.email!r}")
        if not MAX_JOBS_MIN <= int(self.max_jobs) <= MAX_JOBS_MAX:
            raise ValueError(f"max_jobs must be {MAX_JOBS_MIN}..{MAX_JOBS_MAX}")


def _random_token() -> str:
    return "sim-" + secrets.token_urlsafe(24)


@dataclass
class SimulatorConfig:
    token: str = field(default_factory=_random_token)
    accounts: list[AccountConfig] = field(default_factory=lambda: [AccountConfig("demo@example.com")])
    # Job clock: QUEUED for queue_seconds, then GENERATING for generate_seconds, then final.
    queue_seconds: float = 2.0
    generate_seconds: float = 6.0
    # Prompts with unknown_status_word show status `unknown_status_code` for this long after queueing.
    unknown_status_seconds: float = 4.0
    seed_videos: int = 8  # COMPLETED sample videos per account at start-up (10_000 is fine: media is lazy)
    # The first N seeds of each account get their own rendered mp4; the rest share one per (duration, quality).
    distinct_seed_media: int = 12
    media_dir: str | Path | None = None  # None: a temporary directory removed at stop()
    fps: int = 12
    # Trigger words (case-insensitive substring match in prompt / negative prompt).
    moderated_words: tuple[str, ...] = ("forbidden",)
    fail_word: str = "fail-generation"
    moderate_after_word: str = "moderate-after"
    unknown_status_word: str = "unknown-status"
    unknown_status_code: int = 3
    seed_prompts: tuple[str, ...] | None = None  # None: the built-in pleasant prompts
    tick_seconds: float | None = None  # None: derived from the job clock
    callback_timeout: float = 5.0
    render_workers: int = 2
    # True: a job's result is rendered as soon as it starts generating, so it plays at once when done
    # (demo). False: only when first requested (saves CPU in tests that never download results).
    render_eagerly: bool = True

    def __post_init__(self) -> None:
        emails = [a.email for a in self.accounts]
        if len(set(emails)) != len(emails):
            raise ValueError("account emails must be unique")
        if self.fps < 1:
            raise ValueError("fps must be >= 1")

    @property
    def tick(self) -> float:
        if self.tick_seconds:
            return self.tick_seconds
        shortest = min(self.queue_seconds, self.generate_seconds) or 0.05
        return max(0.01, min(0.25, shortest / 4))

    @classmethod
    def demo(cls, token: str | None = None, media_dir: str | Path | None = None) -> "SimulatorConfig":
        """Two accounts with pleasant sample clips and a clock slow enough to watch."""
        return cls(
            token=token or _random_token(),
            accounts=[
                AccountConfig("studio@example.com", max_jobs=3, credits=120),
                AccountConfig("backup@example.com", max_jobs=2, credits=20),
            ],
            queue_seconds=3.0,
            generate_seconds=8.0,
            seed_videos=8,
            media_dir=media_dir,
        )


SEED_PROMPTS = (
    "A paper boat drifting down a rain-soaked street at dusk",
    "Golden hour over a lavender field, the camera slowly rising",
    "A red fox trotting through fresh snow in a birch forest",
    "Neon koi fish swimming through a night-time city sky",
    "Waves rolling onto black volcanic sand in slow motion",
    "A lighthouse beam sweeping across a stormy sea",
    "Cherry blossom petals swirling around a stone lantern",
    "A hot-air balloon floating above misty green valleys",
    "Steam rising from a cup of coffee beside a rainy window",
    "A hummingbird hovering at a bright orange flower",
    "Aurora ribbons dancing over a frozen lake",
    "A vintage tram climbing a sunny hillside street",
)

# Background colours for sample clips and results, pleasant and far enough apart to tell clips apart.
PALETTE = (
    (46, 89, 132), (196, 120, 64), (84, 140, 92), (140, 72, 140), (40, 120, 128), (170, 60, 72),
    (200, 160, 60), (70, 70, 150), (110, 130, 60), (150, 95, 60), (60, 150, 170), (120, 60, 100),
)

# A few effect templates with the fields GET /videos/effects documents.
EFFECTS = (
    {"template_id": 303624537709312, "display_name": "Slow Zoom Out", "workflow_tag": "zoom_out_241030",
     "display_prompt": "The camera slowly pulls back to reveal the whole scene", "marker": "hot",
     "created_at": "2024-10-31T12:08:42Z", "updated_at": "2024-12-05T05:59:55Z", "color": (60, 90, 160)},
    {"template_id": 307489434436288, "display_name": "Golden Glow", "workflow_tag": "golden_glow_241121",
     "display_prompt": "Everything is bathed in warm golden light", "marker": "new",
     "created_at": "2024-11-22T08:21:19Z", "updated_at": "2024-12-04T17:40:30Z", "color": (200, 150, 50)},
    {"template_id": 307489548427968, "display_name": "Paper Cut-out", "workflow_tag": "paper_cut_241122",
     "display_prompt": "The scene turns into layered paper cut-outs", "marker": "",
     "created_at": "2024-11-22T09:02:11Z", "updated_at": "2024-12-01T10:00:00Z", "color": (120, 160, 90)},
    {"template_id": 309112233445566, "display_name": "Snow Globe", "workflow_tag": "snow_globe_241201",
     "display_prompt": "Gentle snow falls as if inside a snow globe", "marker": "hot",
     "created_at": "2024-12-01T08:00:00Z", "updated_at": "2024-12-05T08:00:00Z", "color": (150, 170, 200)},
)
