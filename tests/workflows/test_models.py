"""Questions a Workflow row answers about itself (no database needed)."""

from __future__ import annotations

import pytest

from workflows.models import Workflow


@pytest.mark.parametrize(
    ("index", "symbol"),
    [("MC:xpar", "EURONEXT:MC"), ("AAPL:xnas", "NASDAQ:AAPL"), (" nke : XNYS ", "NYSE:NKE"),
     ("DAX.I", "EURONEXT:DAX.I"), ("X:xtse", "EURONEXT:X"), ("A&B:xpar", "EURONEXT:A%26B")],
)
def test_tradingview_url_maps_the_market_to_its_exchange(index: str, symbol: str) -> None:
    url = Workflow(index=index).tradingview_url()
    assert url == f"https://www.tradingview.com/chart/?symbol={symbol}"
