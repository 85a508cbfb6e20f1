"""`SaxoMarketData`: the MarketData protocol on Saxo's chart v3 endpoint."""

from __future__ import annotations

from datetime import datetime

from workflows.core.types import Bar, MarketDataError
from workflows.saxo.charts import fetch_bars
from workflows.saxo.client import SaxoClient
from workflows.saxo.errors import SaxoError
from workflows.saxo.instruments import find_instrument


class SaxoMarketData:
    """Raw bars from Saxo for our symbols; instrument look-ups are cached on the client."""

    def __init__(self, client: SaxoClient):
        self.client = client

    def __repr__(self) -> str:
        return f"SaxoMarketData({self.client!r})"

    def bars(self, symbol: str, *, horizon: int, count: int, until: datetime) -> list[Bar]:
        """Up to `count` bars of `horizon` minutes starting at or before `until`, newest first.
        Raises MarketDataError (unknown symbol, no data, any Saxo failure)."""
        if until.tzinfo is None:
            raise MarketDataError("`until` must be timezone-aware")
        try:
            instrument = find_instrument(self.client, symbol)
            bars = fetch_bars(self.client, instrument, horizon=horizon, count=count, until=until)
        except SaxoError as exc:
            if exc.status in (403, 404):
                raise MarketDataError(f"No data returned for {symbol} ({exc})") from exc
            raise MarketDataError(f"Saxo bars for {symbol} failed: {exc}") from exc
        if not bars:
            raise MarketDataError(f"No data returned for {symbol}")
        return bars
