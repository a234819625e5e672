"""Fault injection: the network and service misbehaviour a real client must survive.

Kinds:
  latency    every matching request waits ``seconds`` first (stays until reset)
  drop       the next ``count`` matching connections are closed without an answer
  error      the next ``count`` matching requests answer ``status`` (default 500) with a JSON error
  malformed  the next ``count`` matching requests answer 200 with a body that is not JSON
  storm429   the next ``count`` extend calls answer 429 (``busy``: maxJobs text, else the plan-limit text)

A fault may be restricted to a ``method`` and a ``path`` prefix. The prefix matches the full path
(``/media/...``) or the path below the API prefix (``/videos``). Without a path a fault applies to API
requests only, so a stray thumbnail download does not swallow a fault meant for an API call.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Any, Mapping

KINDS = ("latency", "drop", "error", "malformed", "storm429")
API_PREFIX = "/v2/pixverse"
EXTEND_PATH = "/videos/extend-v3"

_ids = itertools.count(1)


@dataclass
class Fault:
    kind: str
    count: int = 1  # remaining uses (ignored by latency)
    seconds: float = 0.0  # latency
    status: int = 500  # error
    busy: bool = False  # storm429: account-busy message instead of the plan-limit one
    method: str | None = None
    path: str | None = None
    id: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.method:
            self.method = self.method.upper()
        if not self.id:
            self.id = next(_ids)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method.upper():
            return False
        is_api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
        relative = path[len(API_PREFIX):] if is_api else None
        if self.kind == "storm429":
            return method.upper() == "POST" and relative is not None and relative.rstrip("/") == EXTEND_PATH
        if self.path is None:
            return is_api
        return path.startswith(self.path) or (relative is not None and relative.startswith(self.path))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """The active faults. Used from the server loop only (no locking needed)."""

    def __init__(self) -> None:
        self.active: list[Fault] = []
        self.fired: dict[str, int] = {kind: 0 for kind in KINDS}

    def add(self, kind: str, count: int = 1, **options: Any) -> Fault:
        fault = Fault(kind, count=count, **options)
        self.active.append(fault)
        return fault

    def add_from_json(self, data: Mapping[str, Any]) -> list[Fault]:
        """``{"kind": ..., ...}`` or ``{"faults": [{...}, ...]}`` (the admin endpoint's body)."""
        items = data.get("faults") if isinstance(data.get("faults"), list) else [data]
        allowed = {"kind", "count", "seconds", "status", "busy", "method", "path"}
        added = []
        for item in items:
            if not isinstance(item, Mapping):
                raise ValueError("each fault must be an object")
            unknown = set(item) - allowed
            if unknown:
                raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
            added.append(self.add(**{k: item[k] for k in item}))
        return added

    def reset(self) -> None:
        self.active.clear()

    def latency(self, method: str, path: str) -> float:
        return sum(f.seconds for f in self.active if f.kind == "latency" and f.matches(method, path))

    def take(self, method: str, path: str, kinds: tuple[str, ...] = ("drop", "error", "malformed")
             ) -> Fault | None:
        """The first counted fault of ``kinds`` matching this request, consuming one use of it.

        The transport-level kinds are taken before authentication (a proxy or the network fails
        whatever the token); ``storm429`` is taken by the extend handler after the body was checked.
        """
        for fault in self.active:
            if fault.kind not in kinds or not fault.matches(method, path):
                continue
            fault.count -= 1
            if fault.count <= 0:
                self.active.remove(fault)
            self.fired[fault.kind] += 1
            return fault
        return None

    def to_json(self) -> dict[str, Any]:
        return {"active": [f.to_json() for f in self.active], "fired": dict(self.fired)}
