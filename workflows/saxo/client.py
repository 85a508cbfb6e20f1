"""The Saxo OpenAPI HTTP client: auth header, refresh on 401, rate limits, error mapping.

GETs are retried by urllib3 on 500/502/503/504 and connection errors. POSTs go through a session
without retries: an order POST whose outcome is unknown is never re-sent (see broker.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from workflows.saxo.auth import TokenSource
from workflows.saxo.config import SaxoConfig
from workflows.saxo.errors import SaxoError, error_from_response, reply_json
from workflows.saxo.ratelimit import RateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")


class SaxoTransportError(SaxoError):
    """No usable reply. `maybe_sent` is True when the request may have reached Saxo."""

    def __init__(self, message: str, *, maybe_sent: bool, status: int | None = None):
        super().__init__(message, code="TransportError", status=status)
        self.maybe_sent = maybe_sent


class SaxoClient:
    """One client per process (thread-safe); caches instrument and account look-ups."""

    def __init__(
        self,
        config: SaxoConfig,
        tokens: TokenSource,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 3,
        retry_backoff: float = 0.5,
        max_throttle_waits: int = 3,
        rate_limit_margin: float = 1.0,
        pool_size: int = 16,
    ):
        self.config = config
        self.tokens = tokens
        self.timeout = timeout
        self.max_throttle_waits = max_throttle_waits
        self.limiter = RateLimiter(sleep=sleep, monotonic=monotonic, margin=rate_limit_margin)
        self.sleep = sleep
        retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                      backoff_factor=retry_backoff, status_forcelist=(500, 502, 503, 504),
                      allowed_methods=frozenset({"GET"}), raise_on_status=False,
                      respect_retry_after_header=False)
        loopback = urlparse(self.gateway).hostname in ("127.0.0.1", "localhost", "::1")
        self._reads = _session(retry, pool_size, loopback)
        self._writes = _session(Retry(total=0, connect=0, read=False, status=0, redirect=0),
                                pool_size, loopback)
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._memo_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"SaxoClient(environment={self.config.environment!r}, gateway={self.gateway!r})"

    @property
    def environment(self) -> str:
        return self.config.environment

    @property
    def gateway(self) -> str:
        return self.config.gateway

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET a gateway path (e.g. `chart/v3/charts`); the JSON reply. Raises SaxoError."""
        response = self._send("GET", path, params=params)
        if response.status_code >= 400:
            raise error_from_response(response)
        return reply_json(response)

    def post(self, path: str, body: Mapping[str, Any], *, request_id: str | None = None
             ) -> tuple[int, Any]:
        """POST JSON; `(status, JSON reply)` for 2xx. Raises SaxoError (never re-sent when the
        outcome is unknown: SaxoTransportError with `maybe_sent`)."""
        headers = {"X-Request-ID": request_id} if request_id else {}
        response = self._send("POST", path, json=dict(body), headers=headers)
        if response.status_code >= 500:
            raise SaxoTransportError(f"Saxo answered HTTP {response.status_code} to POST {path}",
                                     maybe_sent=True, status=response.status_code)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.status_code, reply_json(response)

    def change(self, method: str, path: str, body: Mapping[str, Any] | None = None, *,
               params: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        """PATCH or DELETE (modify, cancel): `(status, JSON reply)` for 2xx, never re-sent.
        Raises SaxoError (SaxoTransportError with `maybe_sent` when the outcome is unknown)."""
        kwargs: dict[str, Any] = {"params": params}
        if body is not None:
            kwargs["json"] = dict(body)
        response = self._send(method, path, **kwargs)
        if response.status_code >= 500:
            raise SaxoTransportError(f"Saxo answered HTTP {response.status_code} to {method} "
                                     f"{path}", maybe_sent=True, status=response.status_code)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.status_code, reply_json(response)

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """Cache `compute()` under `key` for the life of this client; one computation per key."""
        with self._memo_guard:
            if key in self._memo:
                return self._memo[key]
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One logical request: waits for rate limits, refreshes once on 401, waits on 429."""
        refreshed, throttled = False, 0
        while True:
            self.limiter.wait(path)
            token = self.tokens.token()
            response = self._once(method, path, token, **kwargs)
            self.limiter.observe(path, response.headers)
            if response.status_code == 401 and not refreshed:
                refreshed = True
                if self.tokens.after_unauthorized(token):
                    continue
            elif response.status_code == 429 and throttled < self.max_throttle_waits:
                throttled += 1
                wait = self.limiter.throttled(path, response.headers)
                log.warning("saxo 429 on %s %s: waiting %.1fs", method, path, wait)
                continue
            return response

    def _once(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        session = self._reads if method == "GET" else self._writes
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                   **kwargs.pop("headers", {})}
        url = self.gateway + path.lstrip("/")
        try:
            response = session.request(method, url, headers=headers, timeout=self.timeout,
                                       **kwargs)
        except requests.RequestException as exc:
            raise SaxoTransportError(
                f"Saxo request failed ({method} {path}: {type(exc).__name__})",
                maybe_sent=method != "GET" and not _never_sent(exc),
            ) from None
        log.debug("saxo %s %s -> %s (X-Correlation %s)", method, path, response.status_code,
                  response.headers.get("X-Correlation"))
        if response.status_code >= 400:
            log.info("saxo %s %s failed: HTTP %s (X-Correlation %s)", method, path,
                     response.status_code, response.headers.get("X-Correlation"))
        return response


def _session(retry: Retry, pool_size: int, loopback: bool) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = not loopback  # a local fake gateway must never go through a proxy
    return session


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the connection was never established, so the request cannot have arrived."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)
