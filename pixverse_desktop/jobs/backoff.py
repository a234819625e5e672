"""Waiting rules as pure functions (the clock and the random source are passed in)."""

from __future__ import annotations

import random

# useapi documents: on 429 wait 10 to 30 seconds and try again.
BUSY_MIN_S, BUSY_MAX_S = 10.0, 30.0
TRANSIENT_BASE_S, TRANSIENT_MAX_S = 1.0, 32.0


def busy_delay(rng: random.Random, retry_after: float | None = None,
               low: float = BUSY_MIN_S, high: float = BUSY_MAX_S) -> float:
    """Seconds to wait after a 429; a server's Retry-After wins when it is present."""
    if retry_after is not None and retry_after > 0:
        return retry_after
    return rng.uniform(low, high)


def transient_delay(failures: int, rng: random.Random, base: float = TRANSIENT_BASE_S,
                    cap: float = TRANSIENT_MAX_S) -> float:
    """Capped exponential back-off with full jitter over the upper half (never zero)."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return rng.uniform(ceiling / 2, ceiling)


def poll_interval(youngest_age_s: float, low: float, high: float) -> float:
    """Short while a job is young, longer for long jobs: a tenth of the youngest active job's age."""
    return max(low, min(high, youngest_age_s / 10.0))
