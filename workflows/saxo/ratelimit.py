"""Honour Saxo's `X-RateLimit-<Dimension>-{Limit,Remaining,Reset}` headers.

Reset is seconds until the quota refills. A dimension at Remaining 0 blocks further requests of the
same service group (chart, ref, port, trade) until its reset; `AppDay`/`Session` block every group.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

_HEADER = re.compile(r"^x-ratelimit-(?P<dim>.+)-(?P<kind>limit|remaining|reset)$", re.I)
_GLOBAL_DIMENSIONS = {"appday", "session"}
DEFAULT_429_WAIT = 1.0


def service_group(path: str) -> str:
    """`chart/v3/charts` -> `chart`; the first path segment names Saxo's service group."""
    return path.lstrip("/").split("/", 1)[0].lower()


def parse_headers(headers: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """`{dimension: {"limit": .., "remaining": .., "reset": ..}}` from the response headers."""
    found: dict[str, dict[str, float]] = {}
    for name, value in headers.items():
        match = _HEADER.match(name)
        if not match:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        found.setdefault(match["dim"].lower(), {})[match["kind"].lower()] = number
    return found


def exhausted_reset(headers: Mapping[str, str]) -> float | None:
    """The longest reset among dimensions at Remaining ≤ 0, or None when none is exhausted."""
    resets = [d.get("reset", 0.0) for d in parse_headers(headers).values()
              if d.get("remaining", 1.0) <= 0]
    return max(resets) if resets else None


class RateLimiter:
    """Shared by all threads of one client: remembers until when each group must wait."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, margin: float = 1.0,
                 max_wait: float = 120.0):
        self.sleep = sleep
        self.monotonic = monotonic
        self.margin = margin
        self.max_wait = max_wait
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, path: str) -> None:
        """Sleep until the group of `path` (and the global quota) may be called again."""
        with self._lock:
            until = max(self._until.get(service_group(path), 0.0), self._until.get("*", 0.0))
        delay = until - self.monotonic()
        if delay > 0:
            self.sleep(min(delay, self.max_wait))

    def observe(self, path: str, headers: Mapping[str, str]) -> None:
        """Record exhausted dimensions from a reply's headers."""
        now = self.monotonic()
        for dim, values in parse_headers(headers).items():
            if values.get("remaining", 1.0) > 0:
                continue
            key = "*" if dim in _GLOBAL_DIMENSIONS else service_group(path)
            self._block(key, now + values.get("reset", 0.0) + self.margin)

    def throttled(self, path: str, headers: Mapping[str, str]) -> float:
        """After a 429: block the group until the reset and return the seconds to wait."""
        reset = exhausted_reset(headers)
        wait = (reset if reset is not None else DEFAULT_429_WAIT) + self.margin
        self._block(service_group(path), self.monotonic() + wait)
        return min(wait, self.max_wait)

    def _block(self, key: str, until: float) -> None:
        with self._lock:
            self._until[key] = max(self._until.get(key, 0.0), until)
