"""Saxo environments (SIM / LIVE) and the client configuration built from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SIM = "sim"
LIVE = "live"

GATEWAYS = {
    SIM: "https://gateway.saxobank.com/sim/openapi/",
    LIVE: "https://gateway.saxobank.com/openapi/",
}
AUTH_HOSTS = {
    SIM: "https://sim.logonvalidation.net/",
    LIVE: "https://live.logonvalidation.net/",
}


@dataclass(frozen=True)
class SaxoConfig:
    """Everything the client needs; secrets are excluded from the repr."""

    environment: str = SIM
    app_key: str = ""
    app_secret: str = field(default="", repr=False)
    token_file: Path | None = None
    account_key: str = ""
    access_token: str = field(default="", repr=False)  # 24-hour SIM developer token
    base_url: str = ""  # gateway override (tests, benchmarks)
    auth_url: str = ""  # OAuth host override
    redirect_uri: str = "http://127.0.0.1:8765/callback"

    def __post_init__(self) -> None:
        if self.environment not in GATEWAYS:
            raise ValueError(f"Saxo environment must be 'sim' or 'live', not {self.environment!r}")
        if self.environment == LIVE and self.access_token:
            raise ValueError("The 24-hour developer token exists for SIM only")
        _refuse_mixed(self.environment, self.base_url or "")
        _refuse_mixed(self.environment, self.auth_url or "")

    @property
    def gateway(self) -> str:
        return _slash(self.base_url or GATEWAYS[self.environment])

    @property
    def auth_host(self) -> str:
        return _slash(self.auth_url or AUTH_HOSTS[self.environment])


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _refuse_mixed(environment: str, url: str) -> None:
    """A SIM token on the LIVE gateway (or the reverse) can only fail; say so at start."""
    other = LIVE if environment == SIM else SIM
    if url and url.rstrip("/") + "/" in (GATEWAYS[other], AUTH_HOSTS[other]):
        raise ValueError(f"Saxo environment {environment!r} cannot use the {other} URL {url}")
