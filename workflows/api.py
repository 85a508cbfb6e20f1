"""Workflows router (mounted at /api/workflow/): definitions, asset lookup, indicator types
(SPEC §7). Their order history is in workflows/orders_api.py."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from korder_site.auth import TRADE_AUTH
from korder_site.permissions import require_trade
from orders.schemas import ERRORS, STORE_ERRORS, ErrorOut
from workflows.chart_series import IndicatorError, workflow_chart_series
from workflows.core.types import IndicatorName, MarketDataError
from workflows.models import Workflow
from workflows.schemas import (
    AssetOut,
    AssetQuery,
    AssetWorkflowOut,
    ChartOut,
    ChartQuery,
    EngineStatusOut,
    IndicatorTypeOut,
    WorkflowListOut,
    WorkflowListQuery,
    WorkflowOut,
    WorkflowSummaryOut,
)
from workflows.selectors import list_workflows, workflows_with_conditions
from workflows.services import (
    WorkflowNotFound,
    archive_workflow,
    create_workflow,
    replace_workflow,
)
from workflows.specs import spec_from_workflow
from workflows.status import engine_status
from workflows.validation import WorkflowApiIn

router = Router()
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


def _workflow(workflow_id: UUID) -> Workflow:
    """A workflow by id, archived ones included (their orders stay visible)."""
    workflow = workflows_with_conditions().filter(id=workflow_id).first()
    if workflow is None:
        raise WorkflowNotFound(workflow_id)
    return workflow


@router.get("/workflows", response={200: WorkflowListOut, **STORE_ERRORS})
def list_workflows_(request: HttpRequest, query: Query[WorkflowListQuery]) -> WorkflowListOut:
    """Workflows with their last order; filters, sort (incl. `last_order`), pagination."""
    page = list_workflows(
        filters=query.filters(), page=query.page, per_page=query.per_page, now=timezone.now()
    )
    return WorkflowListOut(
        workflows=[WorkflowSummaryOut.from_row(row) for row in page.rows],
        total=page.total, matched=page.matched, page=page.page, per_page=page.per_page,
        total_pages=page.pages,
    )


@router.post("/workflows", response={201: WorkflowOut, **WRITE_ERRORS}, auth=TRADE_AUTH)
def create_workflow_(request: HttpRequest, payload: WorkflowApiIn) -> Status[WorkflowOut]:
    """Create a workflow (201). Bad fields → 422 per field; a name in use → 409.
    Needs the trade permission and a trade-scoped token (else 403)."""
    require_trade(request)
    workflow = create_workflow(definition=payload)
    return Status(201, WorkflowOut.from_workflow(_workflow(workflow.id)))


@router.get("/workflows/{workflow_id}", response={200: WorkflowOut, **ERRORS})
def get_workflow(request: HttpRequest, workflow_id: UUID) -> WorkflowOut:
    """The full definition plus `tradingview_url`."""
    return WorkflowOut.from_workflow(_workflow(workflow_id))


@router.put(
    "/workflows/{workflow_id}", response={200: WorkflowOut, **WRITE_ERRORS}, auth=TRADE_AUTH
)
def replace_workflow_(
    request: HttpRequest, workflow_id: UUID, payload: WorkflowApiIn
) -> WorkflowOut:
    """Replace every field and condition; id and created_at are kept. Needs trade (403)."""
    require_trade(request)
    workflow = replace_workflow(workflow=_workflow(workflow_id), definition=payload)
    return WorkflowOut.from_workflow(_workflow(workflow.id))


@router.delete(
    "/workflows/{workflow_id}", response={204: None, 403: ErrorOut, **ERRORS}, auth=TRADE_AUTH
)
def archive_workflow_(request: HttpRequest, workflow_id: UUID) -> Status[None]:
    """Archive (204): it stops running; its orders stay visible. Idempotent. Needs trade."""
    require_trade(request)
    archive_workflow(workflow=_workflow(workflow_id), now=timezone.now())
    return Status(204, None)


@router.get("/workflows/{workflow_id}/chart", response={200: ChartOut, **STORE_ERRORS},
            url_name="workflow_chart")
def workflow_chart(request: HttpRequest, workflow_id: UUID, query: Query[ChartQuery]) -> ChartOut:
    """Candles of the first condition's unit time, its indicator series and levels (the
    combo's MA50 and Bollinger bands), and this workflow's orders as markers (`mode` tells live
    from dry run). Nothing to draw (no condition, market data unavailable) is a 200 with no
    candles and `unavailable` saying why, so the page shows the reason, not a failed request."""
    spec = spec_from_workflow(_workflow(workflow_id))
    if not spec.conditions:
        return ChartOut.nothing(spec.index, "no condition to chart")
    try:
        data = workflow_chart_series(spec, now=timezone.now(), bars=query.bars)
    except (MarketDataError, ImproperlyConfigured, IndicatorError) as exc:
        return ChartOut.nothing(spec.index, f"market data unavailable for {spec.index}: {exc}")
    return ChartOut.from_series(data)


@router.get("/asset", response={200: AssetOut, **ERRORS})
def asset_workflows(request: HttpRequest, query: Query[AssetQuery]) -> AssetOut:
    """Workflows (enabled or not, not archived) whose index is `code` or `code:country_code`."""
    code, symbol = query.code.strip(), query.symbol
    matches = workflows_with_conditions().filter(
        Q(index__iexact=code) | Q(index__iexact=symbol), archived_at__isnull=True
    )
    now = timezone.now()
    workflows = [AssetWorkflowOut.from_spec(spec_from_workflow(w), now=now) for w in matches]
    return AssetOut(asset_symbol=symbol, total=len(workflows), workflows=workflows)


@router.get("/indicator-types", response={200: list[IndicatorTypeOut], 401: ErrorOut})
def indicator_types(request: HttpRequest) -> list[IndicatorTypeOut]:
    return [IndicatorTypeOut(value=name.value, label=name.label) for name in IndicatorName]


# --- engine status (SPEC §12) ----------------------------------------------------------------


@router.get("/status", response={200: EngineStatusOut, 401: ErrorOut})
def engine_status_(request: HttpRequest) -> EngineStatusOut:
    """The engine (last run, next slot, late or not), markets open now, broker mode and Saxo
    token expiry, the order store and the outbox backlog. A store outage is reported in
    `order_store`, not as an error."""
    return EngineStatusOut.from_status(engine_status(timezone.now()))
