"""Instrument look-up by our symbols (`DAX.I`, `GER40.I`, `ITP:xpar`), instrument details
(tick size) and the AccountKey. Results are cached on the client for its lifetime."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workflows.saxo.client import SaxoClient
from workflows.saxo.errors import SaxoError

# Saxo asset types our symbols can map to (upstream's list; extended asset types included).
SEARCH_ASSET_TYPES = (
    "Stock", "StockIndex", "CfdOnIndex", "CfdOnFutures", "Etf", "Etc",
    "MiniFuture", "WarrantKnockOut", "WarrantOpenEndKnockOut",
)


class InstrumentNotFound(SaxoError):
    """No instrument, or more than one, has exactly this symbol."""


@dataclass(frozen=True)
class Instrument:
    symbol: str
    uic: int
    asset_type: str
    description: str = ""
    exchange_id: str = ""
    currency: str = ""


@dataclass(frozen=True)
class TickStep:
    """Tick size valid for prices up to `high_price` (None: no upper bound)."""

    high_price: Decimal | None
    tick_size: Decimal


@dataclass(frozen=True)
class InstrumentDetails:
    uic: int
    asset_type: str
    tick_steps: tuple[TickStep, ...]
    order_decimals: int | None = None
    tradable_on: tuple[str, ...] = ()

    def tick_size(self, price: Decimal) -> Decimal | None:
        for step in self.tick_steps:
            if step.high_price is None or price <= step.high_price:
                return step.tick_size
        return None


def find_instrument(client: SaxoClient, symbol: str) -> Instrument:
    """The one instrument whose Symbol equals `symbol` (case-insensitive). Cached per client.
    Raises InstrumentNotFound, or SaxoError when Saxo fails."""
    return client.memo(("instrument", symbol.lower()), lambda: _search(client, symbol))


def _search(client: SaxoClient, symbol: str) -> Instrument:
    keywords = [symbol]
    if ":" in symbol:
        keywords.append(symbol.split(":", 1)[0])  # fall back to the bare ticker
    for keyword in keywords:
        reply = client.get("ref/v1/instruments", {
            "Keywords": keyword, "AssetTypes": ",".join(SEARCH_ASSET_TYPES),
            "IncludeNonTradable": "true", "$top": 100,
        })
        matches = [r for r in (reply or {}).get("Data", [])
                   if str(r.get("Symbol", "")).lower() == symbol.lower()]
        if len(matches) > 1:
            found = ", ".join(f"{m.get('Symbol')} {m.get('AssetType')}" for m in matches)
            raise InstrumentNotFound(f"Symbol {symbol} is ambiguous at Saxo ({found})",
                                     code="AmbiguousSymbol")
        if matches:
            return _instrument(symbol, matches[0])
    raise InstrumentNotFound(f"Unknown symbol {symbol} at Saxo", code="UnknownSymbol")


def _instrument(symbol: str, row: dict[str, Any]) -> Instrument:
    return Instrument(
        symbol=symbol, uic=int(row["Identifier"]), asset_type=str(row["AssetType"]),
        description=str(row.get("Description", "")), exchange_id=str(row.get("ExchangeId", "")),
        currency=str(row.get("CurrencyCode", "")),
    )


def instrument_details(client: SaxoClient, instrument: Instrument) -> InstrumentDetails:
    """Tick size scheme, order decimals and TradableOn accounts. Cached per client."""
    key = ("details", instrument.uic, instrument.asset_type)
    return client.memo(key, lambda: _details(client, instrument))


def _details(client: SaxoClient, instrument: Instrument) -> InstrumentDetails:
    reply = client.get("ref/v1/instruments/details", {
        "Uics": instrument.uic, "AssetTypes": instrument.asset_type})
    rows = [r for r in (reply or {}).get("Data", []) if int(r.get("Uic", -1)) == instrument.uic]
    if not rows:
        raise InstrumentNotFound(f"No details for {instrument.symbol} (Uic {instrument.uic})",
                                 code="UnknownSymbol")
    row = rows[0]
    return InstrumentDetails(
        uic=instrument.uic, asset_type=instrument.asset_type, tick_steps=_tick_steps(row),
        order_decimals=(row.get("Format") or {}).get("OrderDecimals"),
        tradable_on=tuple(str(a) for a in row.get("TradableOn") or ()),
    )


def _tick_steps(row: dict[str, Any]) -> tuple[TickStep, ...]:
    scheme = row.get("TickSizeScheme") or {}
    steps = [TickStep(_dec(e["HighPrice"]), _dec(e["TickSize"]))
             for e in scheme.get("Elements") or () if e.get("TickSize")]
    steps.sort(key=lambda s: s.high_price if s.high_price is not None else Decimal("Infinity"))
    default = scheme.get("DefaultTickSize") or row.get("TickSize")
    if default:
        steps.append(TickStep(None, _dec(default)))
    return tuple(steps)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def account_key(client: SaxoClient, details: InstrumentDetails | None = None) -> str:
    """The configured AccountKey, else the account the instrument is tradable on, else the
    first active account of `/port/v1/accounts/me`. Raises SaxoError."""
    if client.config.account_key:
        return client.config.account_key
    accounts = client.memo("accounts", lambda: _accounts(client))
    active = [a for a in accounts if a.get("Active", True)]
    if details and details.tradable_on:
        for account in active:
            if str(account.get("AccountId")) in details.tradable_on:
                return str(account["AccountKey"])
    if not active:
        raise SaxoError("No active Saxo account for this login", code="NoAccount")
    return str(active[0]["AccountKey"])


def _accounts(client: SaxoClient) -> list[dict[str, Any]]:
    reply = client.get("port/v1/accounts/me")
    return list((reply or {}).get("Data", []))
