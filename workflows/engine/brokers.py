"""Brokers (the `Broker` protocol lives in core/types.py): `NotifyOnlyBroker`, the default.
`SaxoBroker` lives in workflows/saxo/broker.py; `deps.build_deps()` picks one."""

from __future__ import annotations

from workflows.core.types import OrderIntent, Placement

STOCK = "Stock"
CFD_ON_INDEX = "CfdOnIndex"


def guess_asset_type(symbol: str) -> str | None:
    """Saxo's AssetType from our symbol conventions: `ITP:xpar` (exchange suffix) is a stock,
    `GER40.I` a CFD on an index; None when the symbol says nothing."""
    if ":" in symbol:
        return STOCK
    if symbol.upper().endswith(".I"):
        return CFD_ON_INDEX
    return None


class NotifyOnlyBroker:
    """No broker call at all: the order is notified and recorded (the original behaviour)."""

    name = "notify"

    def __repr__(self) -> str:
        return "NotifyOnlyBroker()"

    def asset_type(self, symbol: str) -> str | None:
        return guess_asset_type(symbol)

    def place(self, intent: OrderIntent, *, order_id: str) -> Placement:
        return Placement(broker=self.name)

