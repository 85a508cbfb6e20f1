"""Frozen domain values shared by validation, candles, indicators, conditions and the engine.

Pure Python: no Django import here (see STYLE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class IndicatorName(StrEnum):
    MA7 = "ma7"
    MA50 = "ma50"
    COMBO = "combo"
    BBB = "bbb"
    BBH = "bbh"
    POLARITE = "polarite"
    ZONE = "zone"
    INCLINED = "inclined"

    @property
    def label(self) -> str:
        return INDICATOR_LABELS[self]


INDICATOR_LABELS = {
    IndicatorName.MA7: "MM7",
    IndicatorName.MA50: "MA50",
    IndicatorName.COMBO: "COMBO",
    IndicatorName.BBB: "BBB",
    IndicatorName.BBH: "BBH",
    IndicatorName.POLARITE: "POL (Polarité)",
    IndicatorName.ZONE: "ZONE",
    IndicatorName.INCLINED: "Inclined (ROB/SOH)",
}


class UnitTime(StrEnum):
    M15 = "15m"
    H1 = "h1"
    H4 = "h4"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class Direction(StrEnum):
    """Where the close must sit relative to the indicator."""

    BELOW = "below"
    ABOVE = "above"


class Location(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


class Signal(StrEnum):
    BREAKOUT = "breakout"


class Element(StrEnum):
    CLOSE = "close"
    HIGH = "high"
    LOW = "low"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def record_name(self) -> str:
        """The upper-case name stored in `workflow_orders.order_direction` (BUY/SELL)."""
        return self.value.upper()

    @property
    def label(self) -> str:
        return self.value.capitalize()


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    OPEN_STOP = "OPEN_STOP"


class Market(StrEnum):
    EU = "eu"
    US = "us"


US_SUFFIXES = (":xnys", ":xnas", ":xase")

# Candles each indicator asks for (SPEC §3).
CANDLE_COUNTS = {
    IndicatorName.MA7: 12,
    IndicatorName.MA50: 55,
    IndicatorName.BBB: 21,
    IndicatorName.BBH: 21,
    IndicatorName.COMBO: 750,
    IndicatorName.POLARITE: 1,
    IndicatorName.ZONE: 1,
    IndicatorName.INCLINED: 1,
}

DEFAULT_OFFSET = Decimal("1")
DEFAULT_QUANTITY = Decimal("0.1")


@dataclass(frozen=True)
class Point:
    date: date
    price: Decimal


@dataclass(frozen=True)
class IndicatorSpec:
    name: IndicatorName
    ut: UnitTime
    value: Decimal | None = None
    zone_value: Decimal | None = None
    x1: Point | None = None
    x2: Point | None = None


@dataclass(frozen=True)
class CloseSpec:
    direction: Direction
    ut: UnitTime
    spread: Decimal = Decimal("0")


@dataclass(frozen=True)
class ConditionSpec:
    indicator: IndicatorSpec
    close: CloseSpec
    element: Element | None = None


@dataclass(frozen=True)
class TriggerSpec:
    ut: UnitTime
    location: Location
    order_direction: Side
    quantity: Decimal
    signal: Signal = Signal.BREAKOUT
    offset: Decimal = DEFAULT_OFFSET


@dataclass(frozen=True)
class WorkflowSpec:
    """A validated workflow as the engine sees it (built from the ORM row)."""

    id: str
    name: str
    index: str
    cfd: str
    conditions: tuple[ConditionSpec, ...]
    trigger: TriggerSpec
    enabled: bool = True
    dry_run: bool = False
    is_us: bool = False
    end_date: date | None = None
    archived: bool = False

    @property
    def condition(self) -> ConditionSpec:
        """Only the first condition is evaluated (SPEC §2)."""
        return self.conditions[0]

    @property
    def market(self) -> Market:
        if self.is_us or self.cfd.lower().endswith(US_SUFFIXES):
            return Market.US
        return Market.EU

    def is_due(self, today: date) -> bool:
        """Enabled, not archived, and the end date (inclusive) not passed."""
        if not self.enabled or self.archived:
            return False
        return self.end_date is None or self.end_date >= today


@dataclass(frozen=True)
class Candle:
    """One OHLC candle; `time` is the aware-UTC start of its period."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    ut: UnitTime = UnitTime.H1


@dataclass(frozen=True)
class OrderIntent:
    """An order the engine decided to place, before it reaches a broker."""

    workflow_id: str
    workflow_name: str
    code: str
    price: Decimal
    quantity: Decimal
    side: Side
    order_type: OrderType
    trigger_candle_time: datetime
    close_price: Decimal
    dry_run: bool = False


@dataclass(frozen=True)
class Bar:
    """One raw broker bar (mid prices already taken); `time` is the aware-UTC bar start."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


PRICE_DECIMALS = 4


def broker_price(value: object) -> Decimal:
    """A price as mapped from the broker: rounded to 4 decimals in float, as upstream does
    (reference §1.2: `round(x, 4)`), for plain OHLC prices and bid/ask mids alike."""
    return Decimal(repr(round(float(value), PRICE_DECIMALS)))  # type: ignore[arg-type]


def broker_mid(ask: object, bid: object) -> Decimal:
    """(ask + bid) / 2 rounded like `broker_price` (reference §1.2)."""
    return broker_price((float(ask) + float(bid)) / 2)  # type: ignore[arg-type]


class MarketDataError(Exception):
    """Bars could not be fetched (broker error, unknown symbol, no data)."""


class MarketData(Protocol):
    """A source of raw bars. Implementations: CsvMarketData, SaxoMarketData."""

    def bars(self, symbol: str, *, horizon: int, count: int, until: datetime) -> list[Bar]:
        """Up to `count` bars of `horizon` minutes (15, 30, 1440, 10080) whose start is at or
        before `until`, newest first. Raises MarketDataError."""
        ...


@dataclass(frozen=True)
class Placement:
    """What a broker answered for one order."""

    broker: str  # "notify" or "saxo"
    broker_order_id: str | None = None


class BrokerError(Exception):
    """The broker refused or failed an order; `code` and `message` are the broker's own."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code
        self.message = message
        self.status = status


class Broker(Protocol):
    name: str

    def asset_type(self, symbol: str) -> str | None:
        """The broker's AssetType string for a symbol (e.g. `Stock`, `CfdOnIndex`)."""
        ...

    def place(self, intent: OrderIntent, *, order_id: str) -> Placement:
        """Send the order; `order_id` is our id (Saxo ExternalReference). Raises BrokerError."""
        ...


class SkipCode(StrEnum):
    """Why a workflow produced no order (decision log)."""

    CONDITION_FALSE = "condition_false"
    LOCATION_MISMATCH = "location_mismatch"
    PRICE_NOT_POSITIVE = "price_not_positive"


@dataclass(frozen=True)
class SkipReason:
    """No order, and why: `code` for filtering, `message` for people."""

    code: SkipCode
    message: str
