"""Shared setup of the drills: sample bars, triggering workflows, and what the store holds."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from orders import services as order_services
from tests.workflows.engine.conftest import NOW, write_sample_csv, zone_workflow
from workflows.models import RunClaim, Workflow

__all__ = ["NOW", "csv_settings", "records_by_workflow", "triggering_workflows"]


def csv_settings(settings: Any, tmp_path: Path) -> Path:
    """CSV market data (bars around the zone levels) and the notify-only broker."""
    directory = write_sample_csv(tmp_path / "bars")
    settings.KORDER_MARKET_DATA = "csv"
    settings.KORDER_CSV_DIR = directory
    settings.KORDER_BROKER = "notify"
    return directory


def triggering_workflows(count: int, prefix: str = "drill") -> list[Workflow]:
    """`count` zone workflows whose condition holds at NOW on the sample bars."""
    return [zone_workflow(f"{prefix} {i}") for i in range(count)]


def records_by_workflow(workflows: list[Workflow]) -> dict[str, list[Any]]:
    """Every record the store holds in the window, per workflow id (up to 100 each)."""
    return {
        str(w.id): order_services.list_workflow_orders(workflow_id=str(w.id), now=NOW,
                                                       limit=100)
        for w in workflows
    }


def claim_ids() -> dict[str, str]:
    """workflow id -> order id of its claim."""
    return {str(uuid.UUID(str(c.workflow_id))): str(c.order_id)
            for c in RunClaim.objects.all()}
