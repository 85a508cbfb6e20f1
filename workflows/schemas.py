"""In/Out schemas of the workflows API. The request body is `WorkflowApiIn`, i.e. `WorkflowIn`
(workflows/validation.py) with `dry_run` defaulting to true, so the API validates exactly like
the YAML import and the forms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator, Field

from orders.schemas import UtcDateTime
from workflows.chart_series import DEFAULT_BARS, MAX_BARS, MIN_BARS, ChartSeries, epoch
from workflows.core.conditions import indicator_value
from workflows.core.indicators import IndicatorError
from workflows.core.types import ConditionSpec, IndicatorName, WorkflowSpec
from workflows.definition_out import ConditionOut, DefinitionFieldsOut, TriggerOut
from workflows.models import Workflow, WorkflowStats
from workflows.modes import workflow_mode
from workflows.selectors import SORTS, OrderFilters, WorkflowFilters, WorkflowRow
from workflows.specs import definition_dict
from workflows.status import EngineStatus
from workflows.validation import LowerEnum

# --- request body --------------------------------------------------------------------------

# --- list ----------------------------------------------------------------------------------


class WorkflowListQuery(Schema):
    enabled: bool | None = Field(None, description="true: enabled only, false: disabled only")
    dry_run: bool | None = Field(None, description="true: dry-run only, false: live only")
    archived: bool = Field(False, description="true: archived workflows instead of current ones")
    index: str = Field("", max_length=64, description="Substring of the index or CFD")
    indicator: Annotated[IndicatorName | None, LowerEnum] = None
    sort: Literal[SORTS] = "name"  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)

    def filters(self) -> WorkflowFilters:
        if self.archived:
            status = "archived"
        else:
            status = {None: "all", True: "enabled", False: "disabled"}[self.enabled]
        mode = {None: "all", True: "dry_run", False: "live"}[self.dry_run]
        indicator = self.indicator.value if self.indicator else ""
        return WorkflowFilters(
            status=status, dry_run=mode, index=self.index.strip(), indicator=indicator,
            sort=self.sort, order=self.order,
        )


class LastOrderOut(Schema):
    id: str
    placed_at: UtcDateTime
    order_direction: str
    order_price: float
    order_quantity: float
    order_type: str
    dry_run: bool


class WorkflowBaseOut(DefinitionFieldsOut):
    """Fields shared by the list and detail answers: the id and the definition's own fields
    (name, index, cfd, enabled, dry_run, is_us, end_date; derived from `WorkflowIn`)."""

    id: UUID


class WorkflowStatsOut(Schema):
    """A workflow's orders over the 7-day window, as of `computed_at` (each engine run)."""

    computed_at: UtcDateTime
    placed: int
    live: int = Field(description="Sent to a broker")
    notified: int = Field(description="Notify-only broker, not dry runs")
    dry: int
    measured: int = Field(description="Orders with a measured outcome")
    triggered: int
    triggered_pct: float | None = Field(None, description="Of the measured orders")
    filled_pct: float | None = Field(None, description="Of the live Saxo orders")
    median_mfe_pct: float | None = Field(None, description="Triggered orders, to 1 day")
    median_mae_pct: float | None = None

    @staticmethod
    def of(workflow: Workflow) -> WorkflowStatsOut | None:
        try:
            return WorkflowStatsOut.model_validate(workflow.stats)
        except WorkflowStats.DoesNotExist:
            return None


class WorkflowSummaryOut(WorkflowBaseOut):
    primary_indicator: str | None
    primary_unit_time: str | None
    archived: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime
    last_order: LastOrderOut | None = Field(
        description="The latest live (not dry-run) order in the 7-day window, or null")
    newer_dry_run_order: LastOrderOut | None = Field(
        None, description="A dry-run order newer than `last_order` (e.g. from Run now), or null")
    mode: Literal["dry_run", "notify", "live"] = Field(
        description="dry_run; notify (not dry run, but the broker is notify-only: nothing "
                    "reaches a broker); live (orders go to Saxo)")
    stats: WorkflowStatsOut | None = None

    @staticmethod
    def from_row(row: WorkflowRow) -> WorkflowSummaryOut:
        wf, primary = row.workflow, row.primary
        dry = row.newer_dry_run
        return WorkflowSummaryOut(
            id=wf.id, name=wf.name, index=wf.index, cfd=wf.cfd, enabled=wf.enabled,
            dry_run=wf.dry_run, is_us=wf.is_us, end_date=wf.end_date,
            primary_indicator=primary.indicator_name if primary else None,
            primary_unit_time=primary.indicator_ut if primary else None,
            archived=wf.is_archived, created_at=wf.created_at, updated_at=wf.updated_at,
            last_order=LastOrderOut.from_orm(row.last_order) if row.last_order else None,
            stats=WorkflowStatsOut.of(wf),
            newer_dry_run_order=LastOrderOut.from_orm(dry) if dry else None,
            mode=workflow_mode(wf.dry_run),
        )


class WorkflowListOut(Schema):
    workflows: list[WorkflowSummaryOut]
    total: int = Field(description="Current (not archived) workflows, before filters")
    matched: int = Field(description="Workflows matching the filters")
    page: int
    per_page: int
    total_pages: int


# --- detail --------------------------------------------------------------------------------


class WorkflowOut(WorkflowBaseOut):
    conditions: list[ConditionOut] = Field(description="Only the first one is evaluated")
    trigger: TriggerOut
    tradingview_url: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    archived_at: UtcDateTime | None
    stats: WorkflowStatsOut | None = None
    mode: Literal["dry_run", "notify", "live"] = Field(
        description="dry_run; notify (the broker is notify-only); live (orders go to Saxo)")

    @staticmethod
    def from_workflow(workflow: Workflow) -> WorkflowOut:
        return WorkflowOut(
            **definition_dict(workflow),
            id=workflow.id,
            tradingview_url=workflow.tradingview_url(),
            created_at=workflow.created_at,
            updated_at=workflow.updated_at,
            archived_at=workflow.archived_at,
            stats=WorkflowStatsOut.of(workflow),
            mode=workflow_mode(workflow.dry_run),
        )


# --- orders filters ------------------------------------------------------------------------


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


class OrderListQuery(Schema):
    limit: int = Field(100, ge=1, le=100, description="Workflows (rows) to return")
    direction: Annotated[Literal["BUY", "SELL"] | None, BeforeValidator(_upper)] = None
    workflow_id: UUID | None = None
    asset: str = Field("", max_length=64, description="Order code (CFD), case-insensitive")

    def filters(self) -> OrderFilters:
        return OrderFilters(
            workflow=str(self.workflow_id) if self.workflow_id else "",
            direction=self.direction or "",
            asset=self.asset.strip(),
        )


# --- asset lookup and indicator types ------------------------------------------------------


class AssetQuery(Schema):
    code: str = Field(min_length=1, max_length=64)
    country_code: str = Field("xpar", max_length=16)

    @property
    def symbol(self) -> str:
        code, country = self.code.strip(), self.country_code.strip()
        return f"{code}:{country}" if country else code


class AssetIndicatorOut(Schema):
    name: str
    unit_time: str
    value: float | None
    zone_value: float | None
    current_value: float | None = Field(description="Inclined line projected to today")


class AssetCloseOut(Schema):
    direction: str
    unit_time: str
    spread: float


class AssetConditionOut(Schema):
    indicator: AssetIndicatorOut
    close: AssetCloseOut
    element: str | None


class AssetTriggerOut(Schema):
    unit_time: str
    signal: str
    location: str
    order_direction: str
    quantity: float


class AssetWorkflowOut(Schema):
    id: str
    name: str
    index: str
    cfd: str
    enabled: bool
    dry_run: bool
    end_date: date | None
    is_us: bool
    conditions: list[AssetConditionOut]
    trigger: AssetTriggerOut

    @staticmethod
    def from_spec(spec: WorkflowSpec, *, now: datetime) -> AssetWorkflowOut:
        t = spec.trigger
        return AssetWorkflowOut(
            id=spec.id, name=spec.name, index=spec.index, cfd=spec.cfd, enabled=spec.enabled,
            dry_run=spec.dry_run, end_date=spec.end_date, is_us=spec.is_us,
            conditions=[_asset_condition(c, spec, now) for c in spec.conditions],
            trigger=AssetTriggerOut(
                unit_time=t.ut, signal=t.signal, location=t.location,
                order_direction=t.order_direction, quantity=float(t.quantity),
            ),
        )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _asset_condition(c: ConditionSpec, spec: WorkflowSpec, now: datetime) -> AssetConditionOut:
    ind = c.indicator
    return AssetConditionOut(
        indicator=AssetIndicatorOut(
            name=ind.name, unit_time=ind.ut, value=_float(ind.value),
            zone_value=_float(ind.zone_value),
            current_value=inclined_current_value(c, spec, now),
        ),
        close=AssetCloseOut(
            direction=c.close.direction, unit_time=c.close.ut, spread=float(c.close.spread)
        ),
        element=c.element,
    )


def inclined_current_value(c: ConditionSpec, spec: WorkflowSpec, now: datetime) -> float | None:
    """Reference §4.4: the inclined line as the engine evaluates it at `now` (today counts once
    its session has opened). None for other indicators or when the points span no open day."""
    if c.indicator.name is not IndicatorName.INCLINED:
        return None
    try:
        value = indicator_value(c.indicator, [], now=now, market=spec.market).level
    except IndicatorError:
        return None
    return None if value is None else float(round(value, 4))


class AssetOut(Schema):
    asset_symbol: str
    total: int
    workflows: list[AssetWorkflowOut]


class IndicatorTypeOut(Schema):
    value: str
    label: str


# --- engine status (SPEC §12): GET /api/workflow/status ---------------------------------------


class EngineRunOut(Schema):
    started_at: UtcDateTime
    finished_at: UtcDateTime | None = None
    evaluated_at: UtcDateTime
    source: str
    host: str
    summary: dict[str, Any]
    error: str = ""


class RunnerOut(Schema):
    state: str = Field(description="ok, or late: a due slot passed (+5 min) without a run, "
                       "or the --loop heartbeat went stale")
    late: bool
    reason: str
    last_run: EngineRunOut | None = None
    heartbeat_at: UtcDateTime | None = None
    heartbeat_host: str | None = None
    next_slot: UtcDateTime = Field(description="Next :01/:31 weekday slot (UTC)")
    due_slot: UtcDateTime = Field(description="The latest slot a run must have started by")


class MarketOut(Schema):
    market: str
    name: str
    open: bool
    next_change: UtcDateTime | None = Field(None, description="Next open, or next close")


class BrokerOut(Schema):
    mode: str = Field(description="notify or saxo")
    label: str
    environment: str | None = None
    token_expires_at: UtcDateTime | None = None
    refresh_expires_at: UtcDateTime | None = None
    token_note: str = ""


class OrderStoreOut(Schema):
    up: bool
    detail: str
    outbox_pending: int


class EngineStatusOut(Schema):
    now: UtcDateTime
    runner: RunnerOut
    markets: list[MarketOut]
    broker: BrokerOut
    order_store: OrderStoreOut

    @staticmethod
    def from_status(status: EngineStatus) -> EngineStatusOut:
        runner, beat = status.runner, status.runner.heartbeat
        return EngineStatusOut(
            now=status.now,
            runner=RunnerOut(
                state=runner.state, late=runner.late, reason=runner.reason,
                last_run=EngineRunOut.model_validate(runner.last_run) if runner.last_run else None,
                heartbeat_at=beat.beat_at if beat else None,
                heartbeat_host=beat.host if beat else None,
                next_slot=runner.next_slot, due_slot=runner.due_slot,
            ),
            markets=[MarketOut.model_validate(m) for m in status.markets],
            broker=BrokerOut.model_validate(status.broker),
            order_store=OrderStoreOut.model_validate(status.store),
        )


# --- the interactive chart (GET /workflows/{id}/chart) -------------------------------------


class ChartQuery(Schema):
    bars: int = Field(DEFAULT_BARS, ge=MIN_BARS, le=MAX_BARS,
                      description="Candles of the first condition's unit time to return")


class ChartCandleOut(Schema):
    time: int = Field(description="Candle start, UTC epoch seconds")
    open: float
    high: float
    low: float
    close: float


class ChartPointOut(Schema):
    time: int
    value: float


class ChartSeriesOut(Schema):
    name: str
    color: str
    points: list[ChartPointOut]


class ChartLevelOut(Schema):
    name: str
    price: float
    color: str


class ChartMarkerOut(Schema):
    id: str
    time: int = Field(description="Start of the candle the order belongs to (its trigger candle)")
    placed_at: UtcDateTime
    price: float
    direction: str
    order_type: str
    quantity: float
    mode: Literal["dry_run", "notify", "live"]
    status: str
    broker_order_id: str | None


class ChartOut(Schema):
    title: str
    unit_time: str
    candles: list[ChartCandleOut]
    series: list[ChartSeriesOut]
    levels: list[ChartLevelOut]
    markers: list[ChartMarkerOut]
    notes: list[str]
    unavailable: str | None = Field(None, description="Why there is nothing to draw, or null")

    @staticmethod
    def nothing(title: str, why: str) -> ChartOut:
        return ChartOut(title=title, unit_time="", candles=[], series=[], levels=[], markers=[],
                        notes=[], unavailable=why)

    @staticmethod
    def from_series(data: ChartSeries) -> ChartOut:
        return ChartOut(
            title=data.title, unit_time=data.unit_time, notes=data.notes,
            candles=[ChartCandleOut(time=epoch(c.time), open=float(c.open), high=float(c.high),
                                    low=float(c.low), close=float(c.close))
                     for c in data.candles],
            series=[ChartSeriesOut(name=s.name, color=s.color,
                                   points=[ChartPointOut(time=t, value=v) for t, v in s.points])
                    for s in data.series],
            levels=[ChartLevelOut(name=lv.name, price=lv.price, color=lv.color)
                    for lv in data.levels],
            markers=[ChartMarkerOut(
                id=m.id, time=m.time, placed_at=m.placed_at, price=float(m.price),
                direction=m.direction, order_type=m.order_type, quantity=float(m.quantity),
                mode=m.mode, status=m.status, broker_order_id=m.broker_order_id,
            ) for m in data.markers],
        )
