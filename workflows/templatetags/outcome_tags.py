"""Display of order outcomes and per-workflow stats (SPEC §12). Nothing here queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _pct(value: Decimal | None, sign: str) -> str:
    return "-" if value is None else f"{sign}{value}%"


def _units(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.normalize():f}"


@register.filter
def outcome_cell(order: Any) -> SafeString:
    """"Triggered · MFE +0.85% / MAE −0.40%" (price units and the 1 h / 4 h figures in the
    title), "Not triggered (yet)" or "Not measured yet"."""
    if order.outcome_triggered is None:
        return mark_safe('<span class="quiet" data-outcome="none">Not measured yet</span>')
    if not order.outcome_triggered:
        label = "Not triggered" if order.outcome_final else "Not triggered yet"
        return format_html('<span class="quiet" data-outcome="untriggered">{}</span>', label)
    title = (f"entry {_units(order.outcome_entry)}; MFE {_units(order.outcome_mfe)} / "
             f"MAE {_units(order.outcome_mae)} price units; 1 h: "
             f"{_pct(order.outcome_mfe_1h_pct, '+')} / {_pct(order.outcome_mae_1h_pct, '−')}; "
             f"4 h: {_pct(order.outcome_mfe_4h_pct, '+')} / "
             f"{_pct(order.outcome_mae_4h_pct, '−')}"
             + ("" if order.outcome_final else "; still measuring (final after 1 trading day)"))
    return format_html(
        '<span data-outcome="triggered" title="{}">Triggered · MFE <span data-mfe>{}</span>'
        ' / MAE <span data-mae>{}</span>{}</span>',
        title, _pct(order.outcome_mfe_pct, "+"), _pct(order.outcome_mae_pct, "−"),
        "" if order.outcome_final else "…",
    )


@register.filter
def stats_cell(stats: Any) -> SafeString:
    """The workflows list's 7-day column: "42% of 12 triggered"."""
    if stats is None or not stats.placed:
        return mark_safe('<span class="quiet">-</span>')
    if stats.triggered_pct is None:
        return format_html('<span class="quiet">{} placed, not measured</span>', stats.placed)
    return format_html(
        '<span title="{} placed; median MFE {} / MAE {}">{}% of {} triggered</span>',
        stats.placed, _pct(stats.median_mfe_pct, "+"), _pct(stats.median_mae_pct, "−"),
        stats.triggered_pct, stats.measured,
    )
