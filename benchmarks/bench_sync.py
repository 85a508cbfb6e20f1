"""Order sync benchmark (issue 18, SPEC §12): 500 open Saxo orders of k-order synced from the
fake Saxo's order log (`GET /cs/v1/audit/orderactivities`, EntryType=Last, paged by `__next`)
with 50 ms added to every broker request. Target: O(1) broker calls (one paged read, pages of
100 entries: the call count does not grow with the number of changes) and <= 2 s per sync.

Two syncs are timed, each after the fake's market moved:
* steady: the 500 orders are all still working (the usual run: nothing to write). This is the
  target's case: PASS/FAIL on it;
* busy: 250 filled, 100 partially filled, 100 cancelled, 50 still working (450 rows move
  forward: 450 conditional UpdateItems on a private dynalite, 450 event rows). Shown for what it
  is: its time is the local store's write cost (dynalite is one Node thread; each conditional
  UpdateItem costs it milliseconds, more on a loaded machine), the broker calls stay 5.

    .venv/bin/python benchmarks/bench_sync.py [--orders 500]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import figure  # noqa: E402

LATENCY = 0.05
TARGET_SECONDS = 2.0
NOW = datetime.now(UTC).replace(microsecond=0)


def seed(fake, orders: int) -> list[str]:
    """`orders` working SELL stops at the fake, each claimed, recorded and evented as the
    engine leaves them; returns their broker order ids."""
    from orders import events
    from orders import services as order_services
    from orders.records import OrderRecord
    from workflows.models import ClaimStatus, RunClaim

    claims, broker_ids = [], []
    for i in range(orders):
        order_id, workflow_id = str(uuid.uuid4()), str(uuid.uuid4())
        placed_at = NOW - timedelta(hours=2, seconds=i)
        broker_id = str(80_000_000 + i)
        order = {"OrderId": broker_id, "ExternalReference": order_id, "Uic": 4321,
                 "AssetType": "CfdOnIndex", "BuySell": "Sell", "Amount": 20,
                 "OrderType": "StopIfTraded", "OrderPrice": 22150.0, "Status": "Working"}
        fake.open_orders.append(order)
        fake.book.placed(order)
        record = OrderRecord(
            id=order_id, workflow_id=workflow_id, workflow_name=f"bench {i}",
            placed_at=placed_at, order_code="GER40.I", order_price=Decimal("22150"),
            order_quantity=Decimal("20"), order_direction="SELL", order_type="OPEN_STOP",
            broker="saxo", broker_order_id=broker_id, status="working", status_at=placed_at)
        order_services.record_order(record=record)
        events.record_placement_event(record)
        claims.append(RunClaim(
            workflow_id=workflow_id, workflow_name=record.workflow_name,
            trigger_candle_time=placed_at - timedelta(hours=1), side="sell", order_id=order_id,
            placed_at=placed_at, status=ClaimStatus.RECORDED, broker="saxo",
            broker_order_id=broker_id, claimed_at=placed_at, updated_at=placed_at))
        broker_ids.append(broker_id)
    RunClaim.objects.bulk_create(claims)
    return broker_ids


def move_market(fake, broker_ids: list[str]) -> None:
    fake.book.clock = lambda: NOW - timedelta(minutes=30)
    for i, broker_id in enumerate(broker_ids):
        if i % 10 < 5:
            fake.book.fill(broker_id, price=22150.0)
        elif i % 10 < 7:
            fake.book.fill(broker_id, amount=5, price=22150.5)
        elif i % 10 < 9:
            fake.book.cancel(broker_id)


def timed_sync(fake, deps) -> tuple[float, int, object]:
    from workflows.engine import sync

    fake.requests.clear()
    started = time.perf_counter()
    result = sync.sync_orders(deps, NOW)
    elapsed = time.perf_counter() - started
    return elapsed, len(fake.requests_to("cs/v1/audit/orderactivities")), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args()
    with common.scratch_dir("korder-bench-sync-", memory=True) as var, \
            common.dynalite() as endpoint:
        common.setup_django(common.production_env(var, endpoint))
        from django.core.management import call_command

        from orders import services as order_services
        from tests.fixtures.fake_saxo import ACCOUNT_KEY, FakeSaxo
        from workflows.engine.deps import Deps
        from workflows.engine.notifiers import LogNotifier
        from workflows.saxo.broker import SaxoBroker
        from workflows.saxo.instruments import account_key

        call_command("migrate", verbosity=0)
        order_services.create_order_table()
        fake = FakeSaxo().start()
        try:
            fake.book.clock = lambda: NOW - timedelta(hours=2)
            broker_ids = seed(fake, args.orders)
            fake.latency = LATENCY
            client = fake.client()
            assert account_key(client) == ACCOUNT_KEY  # looked up once, as in a long run
            deps = Deps(market_data=None, broker=SaxoBroker(client),  # type: ignore[arg-type]
                        notifier=LogNotifier())
            pages = math.ceil(args.orders / fake.book.page_size)
            print(f"  {args.orders} open orders, +{LATENCY * 1000:.0f} ms per broker request, "
                  f"{fake.book.page_size} entries per order-log page")
            steady, steady_calls, first = timed_sync(fake, deps)
            move_market(fake, broker_ids)
            busy, busy_calls, second = timed_sync(fake, deps)
        finally:
            fake.stop()
    figure("steady sync (nothing changed)", f"{steady:.2f} s", f"<= {TARGET_SECONDS:.0f} s",
           steady <= TARGET_SECONDS)
    figure("  broker calls", str(steady_calls), f"{pages} pages", steady_calls == pages)
    figure("  rows changed", str(first.changed), "0", first.changed == 0)
    figure("busy sync (450 of 500 moved forward)", f"{busy:.2f} s",
           "none: 450 store writes")
    figure("  per row written", f"{busy / max(second.changed, 1) * 1000:.1f} ms")
    figure("  broker calls", str(busy_calls), f"{pages} pages", busy_calls == pages)
    expected = args.orders * 9 // 10
    figure("  rows changed", str(second.changed), str(expected), second.changed == expected)
    ok = steady <= TARGET_SECONDS and steady_calls == pages and busy_calls == pages
    return 0 if ok and second.changed == expected else 1


if __name__ == "__main__":
    sys.exit(main())
