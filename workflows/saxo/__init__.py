"""Saxo OpenAPI adapter: HTTP client, OAuth tokens, market data and order placement.

`build_saxo_client(settings)` is the only place that reads settings; `SaxoMarketData(client)` and
`SaxoBroker(client)` take the client it returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workflows.saxo.auth import OAuthApp, OAuthTokens, StaticToken, TokenSource
from workflows.saxo.client import SaxoClient
from workflows.saxo.config import SaxoConfig
from workflows.saxo.tokens import TokenFile


def config_from_settings(settings: Any) -> SaxoConfig:
    """A SaxoConfig from the KORDER_SAXO_* settings. Raises ValueError on a bad environment."""
    token_file = getattr(settings, "KORDER_SAXO_TOKEN_FILE", None)
    return SaxoConfig(
        environment=(getattr(settings, "KORDER_SAXO_ENVIRONMENT", "") or "sim").lower(),
        app_key=getattr(settings, "KORDER_SAXO_APP_KEY", "") or "",
        app_secret=getattr(settings, "KORDER_SAXO_APP_SECRET", "") or "",
        token_file=Path(token_file) if token_file else None,
        account_key=getattr(settings, "KORDER_SAXO_ACCOUNT_KEY", "") or "",
        access_token=getattr(settings, "KORDER_SAXO_ACCESS_TOKEN", "") or "",
        base_url=getattr(settings, "KORDER_SAXO_BASE_URL", "") or "",
        auth_url=getattr(settings, "KORDER_SAXO_AUTH_URL", "") or "",
        redirect_uri=getattr(settings, "KORDER_SAXO_REDIRECT_URI", "")
        or "http://127.0.0.1:8765/callback",
    )


def token_source(config: SaxoConfig, *, clock: Callable[[], float] = time.time) -> TokenSource:
    """The 24-hour SIM token when configured, else the OAuth token file."""
    if config.access_token:
        return StaticToken(config.access_token)
    if config.token_file is None:
        return StaticToken("")
    return OAuthTokens(OAuthApp(config, clock=clock), TokenFile(config.token_file), clock=clock)


def build_saxo_client(settings: Any, **client_options: Any) -> SaxoClient:
    """The SaxoClient for these settings (`client_options` go to SaxoClient, e.g. `sleep`)."""
    config = config_from_settings(settings)
    return SaxoClient(config, token_source(config), **client_options)


__all__ = ["SaxoClient", "SaxoConfig", "build_saxo_client", "config_from_settings",
           "token_source"]
