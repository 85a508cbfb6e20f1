"""What the pages and the API call the broker mode and a workflow's mode (SPEC §8).

With the `notify` broker nothing goes to a broker, so no workflow is ever called "Live" then:
it is "Notify". With Saxo the header says which environment ("Saxo SIM" / "Saxo LIVE").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.http import HttpRequest

WorkflowMode = Literal["dry_run", "notify", "live"]
MODE_LABELS: dict[str, str] = {"dry_run": "DRY RUN", "notify": "Notify", "live": "Live"}


@dataclass(frozen=True)
class BrokerMode:
    key: Literal["notify", "sim", "live"]
    label: str
    explanation: str


BROKER_MODES = {
    "notify": BrokerMode("notify", "Notify only — no broker orders",
                         "KORDER_BROKER=notify: triggered orders are notified and recorded, "
                         "never sent to a broker."),
    "sim": BrokerMode("sim", "Saxo SIM", "KORDER_BROKER=saxo on Saxo's simulation environment: "
                      "live workflows place orders on the SIM account."),
    "live": BrokerMode("live", "Saxo LIVE", "KORDER_BROKER=saxo on Saxo's LIVE environment: "
                       "live workflows place REAL orders."),
}


def current_broker_mode() -> BrokerMode:
    """From KORDER_BROKER and KORDER_SAXO_ENVIRONMENT (validated at start by settings)."""
    if settings.KORDER_BROKER != "saxo":
        return BROKER_MODES["notify"]
    return BROKER_MODES["live" if settings.KORDER_SAXO_ENVIRONMENT == "live" else "sim"]


def workflow_mode(dry_run: bool, broker_mode: BrokerMode | None = None) -> WorkflowMode:
    """DRY RUN whatever the broker; otherwise "notify" with the notify broker, else "live"."""
    if dry_run:
        return "dry_run"
    mode = broker_mode or current_broker_mode()
    return "notify" if mode.key == "notify" else "live"


def order_mode(*, dry_run: bool, broker: str) -> WorkflowMode:
    """How one recorded order went out: dry run, notified only, or sent to the broker."""
    if dry_run:
        return "dry_run"
    return "live" if broker == "saxo" else "notify"


def broker_mode(request: HttpRequest) -> dict[str, BrokerMode | str]:
    """Context processor: `broker_mode` (the page header badge) and `display_time_zone`
    (KORDER_DISPLAY_TIME_ZONE, "" for the viewer's browser zone) in every template."""
    return {"broker_mode": current_broker_mode(),
            "display_time_zone": settings.KORDER_DISPLAY_TIME_ZONE}
