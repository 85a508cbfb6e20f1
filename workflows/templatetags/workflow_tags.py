"""Display formatting for the pages: relative times, prices, badges, labels.

Everything user-supplied goes through `format_html`/`conditional_escape`; nothing here queries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import humanize
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows.core.types import INDICATOR_LABELS, IndicatorName
from workflows.modes import MODE_LABELS, BrokerMode, order_mode, workflow_mode

register = template.Library()

_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)


def relative_label(moment: datetime, now: datetime) -> str:
    """Reference §7.5: "Just now" (< 1 min, or in the future), "5m ago", "3h ago", "2d ago"
    (< 7 days), then the date (YYYY-MM-DD, UTC). Differences are floored."""
    age = now - moment
    if age < _MINUTE:
        return "Just now"
    if age < _HOUR:
        return f"{age // _MINUTE}m ago"
    if age < _DAY:
        return f"{age // _HOUR}h ago"
    if age < _WEEK:
        return f"{age // _DAY}d ago"
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@register.simple_tag
def relative_time(moment: datetime | None, now: datetime, empty: str = "No orders yet") -> str:
    """`<time>` with the relative label; its title (UTC, turned into the viewer's local time by
    static/js/local_time.js) gives the exact moment."""
    if moment is None:
        return format_html('<span class="quiet">{}</span>', empty)
    return format_html(
        '<time datetime="{}" title="{}" data-local-title>{}</time>',
        moment.astimezone(UTC).isoformat(),
        _utc_text(moment),
        relative_label(moment, now),
    )


@register.simple_tag
def local_datetime(moment: datetime | None, empty: str = "-") -> str:
    """The exact moment in UTC; static/js/local_time.js rewrites it in the viewer's time zone."""
    if moment is None:
        return format_html("{}", empty)
    return format_html(
        '<time datetime="{}" data-local-datetime>{}</time>',
        moment.astimezone(UTC).isoformat(),
        _utc_text(moment),
    )


@register.filter
def price(value: Any) -> str:
    """Thousands separators, at least two decimals, never drops significant digits
    (22150.5 → 22,150.50; 1.08345 → 1.08345)."""
    if value is None or value == "":
        return "-"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    normal = number.normalize()
    decimals = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
    number = number.quantize(Decimal("0.01")) if decimals <= 2 else normal
    return humanize.intcomma(number)


@register.filter
def number(value: Any) -> str:
    """A plain decimal without trailing zeros (quantities, spreads): 0.10000000 → 0.1."""
    if value is None or value == "":
        return "-"
    try:
        normal = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return f"{normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal:f}"


@register.filter
def direction_badge(direction: str | None) -> SafeString:
    """Green BUY / red SELL badge (accepts buy/sell in any case)."""
    if not direction:
        return format_html("{}", "-")
    text = str(direction).upper()
    kind = {"BUY": "buy", "SELL": "sell"}.get(text, "off")
    return format_html('<span class="badge badge-{}">{}</span>', kind, text)


@register.filter
def status_badge(workflow: Any) -> SafeString:
    if getattr(workflow, "archived_at", None) is not None:
        return format_html('<span class="badge badge-off">{}</span>', "Archived")
    if workflow.enabled:
        return format_html('<span class="badge badge-on">{}</span>', "✓ Enabled")
    return format_html('<span class="badge badge-off">{}</span>', "✗ Disabled")


_MODE_CSS = {"dry_run": "dry", "notify": "notify", "live": "live"}


def _mode_badge(mode: str) -> SafeString:
    return format_html('<span class="badge badge-{}" data-mode="{}">{}</span>',
                       _MODE_CSS[mode], mode, MODE_LABELS[mode])


@register.filter
def mode_badge(dry_run: bool, broker_mode: BrokerMode | None = None) -> SafeString:
    """A workflow's mode: DRY RUN, Notify (the notify broker: nothing reaches a broker) or
    Live (Saxo). Never a bare "Live" while the broker is notify."""
    return _mode_badge(workflow_mode(bool(dry_run), broker_mode))


@register.filter
def order_mode_badge(order: Any) -> SafeString:
    """How a recorded order went out, from its own `dry_run` and `broker` fields."""
    return _mode_badge(order_mode(dry_run=order.dry_run, broker=order.broker))


@register.filter
def indicator_label(name: str | None) -> str:
    """ma7 → MM7, polarite → POL (Polarité)… (reference §8.6); unknown → upper-cased."""
    if not name:
        return "-"
    try:
        return INDICATOR_LABELS[IndicatorName(name)]
    except ValueError:
        return str(name).upper()


@register.filter
def upper_or_dash(value: Any) -> str:
    return str(value).upper() if value not in (None, "") else "-"


@register.filter
def order_type_label(value: str | None) -> str:
    return {"OPEN_STOP": "Stop", "LIMIT": "Limit"}.get(value or "", value or "-")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None/"" removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, column: str, label: str, css: str = "") -> str:
    """A sortable `<th>`: clicking the active column toggles the order, another column sorts
    ascending; the active one shows ↑ / ↓. Sorting goes back to page 1."""
    filters = context["filters"]
    active = filters.sort == column
    order = "desc" if active and filters.order == "asc" else "asc"
    href = query_with(context, sort=column, order=order, page=None)
    if not active:
        return format_html(
            '<th scope="col" class="{}" aria-sort="none"><a href="{}">{}</a></th>', css, href, label
        )
    ascending = filters.order == "asc"
    return format_html(
        '<th scope="col" class="sorted {}" aria-sort="{}"><a href="{}">{}{}</a></th>',
        css, "ascending" if ascending else "descending", href, label, " ↑" if ascending else " ↓",
    )


_OUTCOME_KINDS = {"ordered": "buy", "no_order": "off", "already_handled": "off",
                  "rejected": "sell", "failed": "sell"}


@register.filter
def outcome_badge(decision: Any) -> SafeString:
    """The decision log's outcome as a badge (green order, grey no order, red failure)."""
    kind = _OUTCOME_KINDS.get(decision.outcome, "off")
    return format_html('<span class="badge badge-{}">{}</span>', kind,
                       decision.get_outcome_display())
