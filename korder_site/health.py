"""GET /healthz (no auth): 200 when the database and the order store answer, else 503 naming
what is down. Meant for load balancers and `make run` smoke checks."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from orders.errors import OrderStoreUnavailable
from orders.services import check_store

log = logging.getLogger(__name__)
HEALTH_TABLE = "workflows_workflow"


def _check_database() -> None:
    """A real query on a real table (`SELECT 1` answers even from a corrupted SQLite file)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(HEALTH_TABLE)}")
        cursor.fetchone()


CHECKS: dict[str, tuple[Callable[[], None], tuple[type[Exception], ...]]] = {
    "database": (_check_database, (DatabaseError,)),
    "order_store": (check_store, (OrderStoreUnavailable,)),
}


def _run(check: Callable[[], None], expected: tuple[type[Exception], ...]) -> str:
    try:
        check()
    except expected as exc:
        log.warning("health check: %s", exc)
        return f"down: {getattr(exc, 'public', None) or type(exc).__name__}"
    except Exception as exc:  # a health probe must answer, whatever broke
        log.exception("health check failed unexpectedly")
        return f"down: {type(exc).__name__}"
    return "ok"


def _runner() -> dict[str, str]:
    """The engine runner's state (SPEC §12): "ok", "late" or "unknown" (database down)."""
    from workflows.status import runner_status  # korder_site -> apps, at call time

    try:
        status = runner_status(timezone.now())
    except DatabaseError as exc:
        log.warning("health check: runner state unknown: %s", exc)
        return {"state": "unknown", "detail": "the database did not answer"}
    last = status.last_run.started_at.isoformat() if status.last_run else None
    return {"state": status.state, "detail": status.reason, "last_run": last,
            "next_slot": status.next_slot.isoformat()}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the order store answer. `runner` says whether the engine
    keeps its slots; a late runner makes it 503 only with `?strict=1` (load balancers keep
    serving the UI while the engine is down)."""
    results = {name: _run(check, expected) for name, (check, expected) in CHECKS.items()}
    down = [name for name, result in results.items() if result != "ok"]
    runner = _runner()
    if request.GET.get("strict") == "1" and runner["state"] != "ok":
        down.append("runner")
    body = {
        "status": "ok" if not down else "unavailable",
        "checks": results,
        "runner": runner,
        "detail": "all checks passed" if not down else f"down: {', '.join(down)}",
    }
    return JsonResponse(body, status=503 if down else 200)
