"""Forms of the pages: list filters (query string) and the create/edit form.

The create/edit form only collects strings; `WorkflowIn` (workflows/validation.py) is the one
validation path, and its errors are mapped back onto the form's fields.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from pydantic import ValidationError

from workflows.core.types import (
    INDICATOR_LABELS,
    Direction,
    Element,
    IndicatorName,
    Location,
    Side,
    UnitTime,
)
from workflows.models import Workflow
from workflows.selectors import SORTS, OrderFilters, WorkflowFilters
from workflows.specs import condition_dict
from workflows.validation import WorkflowIn, error_lines

PER_PAGE = 20
ORDERS_EXPORT_LIMIT = 100  # the API's maximum; the orders page shows at most as many rows
UT_LABELS = {"15m": "15m", "h1": "H1", "h4": "H4", "daily": "Daily", "weekly": "Weekly",
             "monthly": "Monthly"}
UT_CHOICES = [(ut.value, UT_LABELS[ut.value]) for ut in UnitTime]
INDICATOR_CHOICES = [(name.value, INDICATOR_LABELS[name]) for name in IndicatorName]


# --- list filters ------------------------------------------------------------------------------


class WorkflowFilterForm(forms.Form):
    """GET filters of /workflows/; bad values fall back to the defaults instead of erroring."""

    status = forms.ChoiceField(required=False, choices=[
        ("all", "All"), ("enabled", "Enabled Only"), ("disabled", "Disabled Only"),
        ("archived", "Archived"),
    ])
    dry_run = forms.ChoiceField(required=False, label="Mode", choices=[
        ("all", "All"), ("dry_run", "Dry Run Only"), ("live", "Not dry run"),
    ])
    index = forms.CharField(required=False, max_length=64, label="Index or CFD")
    indicator = forms.ChoiceField(required=False, choices=[("", "All"), *INDICATOR_CHOICES])
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS],
                             widget=forms.HiddenInput)
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")],
                              widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def _value(self, name: str, default: Any) -> Any:
        if not self.is_bound or not self.is_valid() and name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return value if value not in (None, "") else default

    def filters(self) -> WorkflowFilters:
        self.is_valid()
        return WorkflowFilters(
            status=self._value("status", "all"), dry_run=self._value("dry_run", "all"),
            index=self._value("index", "").strip(), indicator=self._value("indicator", ""),
            sort=self._value("sort", "name"), order=self._value("order", "asc"),
        )

    def page_number(self) -> int:
        self.is_valid()
        return int(self._value("page", 1))


class OrderFilterForm(forms.Form):
    """GET filters of /workflow-orders/ (same names as /api/workflow/orders/export.csv)."""

    workflow_id = forms.ChoiceField(required=False, label="Workflow")
    direction = forms.ChoiceField(required=False, choices=[
        ("", "All"), ("BUY", "BUY"), ("SELL", "SELL"),
    ])
    asset = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workflows = Workflow.objects.order_by("name").values_list("id", "name", "archived_at")
        self.fields["workflow_id"].choices = [("", "All workflows")] + [
            (str(pk), f"{name} (archived)" if archived else name)
            for pk, name, archived in workflows
        ]
        cfds = sorted({c for c in Workflow.objects.values_list("cfd", flat=True)}, key=str.lower)
        self.fields["asset"].choices = [("", "All assets")] + [(c, c) for c in cfds]

    def filters(self) -> OrderFilters:
        if not self.is_valid():
            good = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            good = self.cleaned_data
        return OrderFilters(
            workflow=good.get("workflow_id") or "",
            direction=good.get("direction") or "",
            asset=good.get("asset") or "",
        )



def export_query(filters: OrderFilters) -> str:
    """The query string of /api/workflow/orders/export.csv for what the orders page shows."""
    params = {"workflow_id": filters.workflow, "direction": filters.direction,
              "asset": filters.asset, "limit": ORDERS_EXPORT_LIMIT}
    return urlencode({k: v for k, v in params.items() if v})


# --- create / edit -----------------------------------------------------------------------------

_TEXT = {"required": False}


def _select(choices: list[tuple[str, str]], **extra: Any) -> forms.ChoiceField:
    return forms.ChoiceField(required=False, choices=choices, **extra)


def _decimal_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkflowPageForm(forms.Form):
    """A workflow with its first (evaluated) condition; other conditions are kept unchanged.

    Every field is a string here: `to_definition()` builds the `WorkflowIn` input and maps its
    errors to the fields. A blank name gets the suggestion of reference §8.8.
    """

    use_required_attribute = False

    name = forms.CharField(**_TEXT, widget=forms.TextInput(
        attrs={"data-name-input": "", "autocomplete": "off"}))
    index = forms.CharField(**_TEXT, max_length=64, help_text="Symbol the indicator is "
                            "computed on, e.g. DAX.I or ITP:xpar")
    cfd = forms.CharField(**_TEXT, max_length=64, label="CFD", help_text="Symbol traded, "
                          "e.g. GER40.I", widget=forms.TextInput(attrs={"data-name-part": "cfd"}))
    enabled = forms.BooleanField(required=False, initial=True)
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run")
    is_us = forms.BooleanField(required=False, label="US market")
    end_date = forms.CharField(**_TEXT, widget=_date_input(), help_text="Optional; the "
                               "workflow still runs on this date")
    indicator_name = _select(INDICATOR_CHOICES, label="Indicator", initial="bbb",
                             widget=forms.Select(attrs={"data-indicator-select": "",
                                                        "data-name-part": "indicator"}))
    indicator_ut = _select(UT_CHOICES, label="Indicator unit time", initial="h1",
                           widget=forms.Select(attrs={"data-name-part": "ut"}))
    value = forms.CharField(**_TEXT, label="Value", widget=_decimal_input())
    zone_value = forms.CharField(**_TEXT, label="Zone value (upper bound)",
                                 widget=_decimal_input())
    x1_date = forms.CharField(**_TEXT, label="Point 1 date", widget=_date_input())
    x1_price = forms.CharField(**_TEXT, label="Point 1 price", widget=_decimal_input())
    x2_date = forms.CharField(**_TEXT, label="Point 2 date", widget=_date_input())
    x2_price = forms.CharField(**_TEXT, label="Point 2 price", widget=_decimal_input())
    close_direction = _select([(d.value, d.value.capitalize()) for d in Direction],
                              label="Close direction", initial="above")
    close_ut = _select(UT_CHOICES, label="Close unit time", initial="h1")
    spread = forms.CharField(**_TEXT, widget=_decimal_input(placeholder="0"))
    element = _select([("", "None"), *[(e.value, e.value.capitalize()) for e in Element]])
    trigger_ut = _select(UT_CHOICES, label="Trigger unit time", initial="h1")
    trigger_location = _select([(loc.value, loc.value.capitalize()) for loc in Location],
                               label="Location", initial="higher")
    trigger_order_direction = _select(
        [(s.value, s.value.upper()) for s in Side], label="Order direction", initial="buy",
        widget=forms.Select(attrs={"data-name-part": "direction"}),
    )
    trigger_quantity = forms.CharField(**_TEXT, label="Quantity", widget=_decimal_input())
    trigger_offset = forms.CharField(**_TEXT, label="Offset", widget=_decimal_input(
        placeholder="1"), help_text="Price units added beyond the trigger candle (default 1)")

    # Which indicator types use which fields (shown/hidden by static/js/workflow_form.js).
    INDICATOR_FIELDS = {
        "value": ("polarite", "zone"),
        "zone_value": ("zone",),
        "x1_date": ("inclined",), "x1_price": ("inclined",),
        "x2_date": ("inclined",), "x2_price": ("inclined",),
    }

    def __init__(self, *args: Any, extra_conditions: list[dict[str, Any]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_conditions = extra_conditions or []
        self.definition: WorkflowIn | None = None
        for name, kinds in self.INDICATOR_FIELDS.items():
            self.fields[name].widget.attrs["data-indicators"] = " ".join(kinds)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.definition = WorkflowIn.model_validate(self.definition_input(data))
        except ValidationError as exc:
            for path, message in error_lines(exc):
                field = field_for(path, message)
                self.add_error(field, clean_message(message) if field else f"{path}: {message}")
        return data

    def definition_input(self, data: dict[str, Any]) -> dict[str, Any]:
        """The `WorkflowIn` input: blank strings are left out (→ "Field required"), fields the
        chosen indicator does not use are dropped, a blank name gets the suggestion."""
        given = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        given = {k: v for k, v in given.items() if v not in ("", None)}
        kind = given.get("indicator_name", "")
        given = {k: v for k, v in given.items()
                 if k not in self.INDICATOR_FIELDS or kind in self.INDICATOR_FIELDS[k]}
        if "name" not in given:
            given["name"] = suggest_name(
                given.get("trigger_order_direction", ""), kind, given.get("indicator_ut", ""),
                given.get("cfd", ""))
        return _nest(given, self.extra_conditions)


CONDITION_FIELDS = (
    "indicator_name", "indicator_ut", "value", "zone_value", "x1_date", "x1_price", "x2_date",
    "x2_price", "close_direction", "close_ut", "spread", "element",
)
TRIGGER_FIELDS = (
    "trigger_ut", "trigger_location", "trigger_order_direction", "trigger_quantity",
    "trigger_offset",
)


def suggest_name(direction: str, indicator: str, ut: str, cfd: str) -> str:
    """Reference §8.8: `<ORDER DIRECTION> <INDICATOR> <UT>` upper-cased, plus ` <cfd>` when
    a CFD is given (e.g. "BUY BBB H1 GER40.I"). Mirrored by static/js/workflow_form.js."""
    words = [w for w in (direction, indicator, ut) if w]
    name = " ".join(words).upper()
    return f"{name} {cfd}".strip() if cfd else name


def _point(data: dict[str, Any], n: int) -> dict[str, Any] | None:
    date, price = data.get(f"x{n}_date"), data.get(f"x{n}_price")
    if date is None and price is None:
        return None
    return {k: v for k, v in (("date", date), ("price", price)) if v is not None}


def _nest(data: dict[str, Any], extra_conditions: list[dict[str, Any]]) -> dict[str, Any]:
    def pick(*pairs: tuple[str, str]) -> dict[str, Any]:
        return {key: data[field] for key, field in pairs if field in data}

    indicator = pick(("name", "indicator_name"), ("ut", "indicator_ut"), ("value", "value"),
                     ("zone_value", "zone_value"))
    for n in (1, 2):
        if (point := _point(data, n)) is not None:
            indicator[f"x{n}"] = point
    condition = {
        "indicator": indicator,
        "close": pick(("direction", "close_direction"), ("ut", "close_ut"), ("spread", "spread")),
        "element": data.get("element"),
    }
    return {
        **pick(("name", "name"), ("index", "index"), ("cfd", "cfd"), ("end_date", "end_date")),
        "enabled": bool(data.get("enabled")), "dry_run": bool(data.get("dry_run")),
        "is_us": bool(data.get("is_us")),
        "conditions": [condition, *extra_conditions],
        "trigger": pick(("ut", "trigger_ut"), ("location", "trigger_location"),
                        ("order_direction", "trigger_order_direction"),
                        ("quantity", "trigger_quantity"), ("offset", "trigger_offset")),
    }


_FIELD_OF_PATH = {
    "trigger.ut": "trigger_ut", "trigger.location": "trigger_location",
    "trigger.order_direction": "trigger_order_direction", "trigger.quantity": "trigger_quantity",
    "trigger.offset": "trigger_offset", "trigger.signal": "trigger_ut",
    "conditions[0].indicator.name": "indicator_name", "conditions[0].indicator.ut": "indicator_ut",
    "conditions[0].indicator.value": "value", "conditions[0].indicator.zone_value": "zone_value",
    "conditions[0].indicator.x1.date": "x1_date", "conditions[0].indicator.x1.price": "x1_price",
    "conditions[0].indicator.x2.date": "x2_date", "conditions[0].indicator.x2.price": "x2_price",
    "conditions[0].close.direction": "close_direction", "conditions[0].close.ut": "close_ut",
    "conditions[0].close.spread": "spread", "conditions[0].element": "element",
    "name": "name", "index": "index", "cfd": "cfd", "end_date": "end_date",
}
_GOT = re.compile(r" \(got .*\)$")


def field_for(path: str, message: str) -> str | None:
    """The form field a `WorkflowIn` error path belongs to (None: a form-wide error)."""
    if path in _FIELD_OF_PATH:
        return _FIELD_OF_PATH[path]
    if path == "conditions[0].indicator":  # the per-indicator rules name their field
        for needle, field in (("zone_value", "zone_value"), ("x1 and x2", "x1_date"),
                              ("value", "value")):
            if needle in message:
                return field
    return None


def clean_message(message: str) -> str:
    return _GOT.sub("", message)


def initial_from_workflow(workflow: Workflow) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Form initial values for `workflow` and its extra (not evaluated) conditions, as
    `WorkflowIn` input dicts."""
    conditions = list(workflow.conditions.all())
    first = condition_dict(conditions[0]) if conditions else None
    initial: dict[str, Any] = {
        "name": workflow.name, "index": workflow.index, "cfd": workflow.cfd,
        "enabled": workflow.enabled, "dry_run": workflow.dry_run, "is_us": workflow.is_us,
        "end_date": workflow.end_date.isoformat() if workflow.end_date else "",
        "trigger_ut": workflow.trigger_ut, "trigger_location": workflow.trigger_location,
        "trigger_order_direction": workflow.trigger_order_direction,
        "trigger_quantity": _text(workflow.trigger_quantity),
        "trigger_offset": _text(workflow.trigger_offset),
    }
    if first:
        ind, close = first["indicator"], first["close"]
        initial.update({
            "indicator_name": ind["name"], "indicator_ut": ind["ut"],
            "value": _text(ind["value"]), "zone_value": _text(ind["zone_value"]),
            "close_direction": close["direction"], "close_ut": close["ut"],
            "spread": _text(close["spread"]), "element": first["element"] or "",
        })
        for n in (1, 2):
            point = ind[f"x{n}"]
            initial[f"x{n}_date"] = point["date"].isoformat() if point else ""
            initial[f"x{n}_price"] = _text(point["price"]) if point else ""
    return initial, [_jsonable(condition_dict(row)) for row in conditions[1:]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    return f"{normal.quantize(1) if normal == normal.to_integral() else normal:f}"


def _jsonable(condition: dict[str, Any]) -> dict[str, Any]:
    ind = condition["indicator"]
    for n in ("x1", "x2"):
        if ind[n] is None:
            ind.pop(n)
    return condition
