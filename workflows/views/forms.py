"""Forms of the pages: list filters (query string) and the create/edit form.

The create/edit form only collects strings; `WorkflowIn` (workflows/validation.py) is the one
validation path, and its errors are mapped back onto the form's fields.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
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
from workflows.specs import (
    CONDITION_COLUMNS,
    LABELS,
    WORKFLOW_COLUMNS,
    column_for,
    columns_under,
    condition_dict,
    nest,
    row_values,
)
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
    cfd = forms.CharField(**_TEXT, max_length=64, help_text="Symbol traded, "
                          "e.g. GER40.I", widget=forms.TextInput(attrs={"data-name-part": "cfd"}))
    enabled = forms.BooleanField(required=False, initial=True)
    dry_run = forms.BooleanField(required=False, initial=True)
    is_us = forms.BooleanField(required=False)
    end_date = forms.CharField(**_TEXT, widget=_date_input(), help_text="Optional; the "
                               "workflow still runs on this date")
    indicator_name = _select(INDICATOR_CHOICES, initial="bbb",
                             widget=forms.Select(attrs={"data-indicator-select": "",
                                                        "data-name-part": "indicator"}))
    indicator_ut = _select(UT_CHOICES, initial="h1",
                           widget=forms.Select(attrs={"data-name-part": "ut"}))
    value = forms.CharField(**_TEXT, widget=_decimal_input())
    zone_value = forms.CharField(**_TEXT,
                                 widget=_decimal_input())
    x1_date = forms.CharField(**_TEXT, widget=_date_input())
    x1_price = forms.CharField(**_TEXT, widget=_decimal_input())
    x2_date = forms.CharField(**_TEXT, widget=_date_input())
    x2_price = forms.CharField(**_TEXT, widget=_decimal_input())
    close_direction = _select([(d.value, d.value.capitalize()) for d in Direction],
                              initial="above")
    close_ut = _select(UT_CHOICES, initial="h1")
    spread = forms.CharField(**_TEXT, widget=_decimal_input(placeholder="0"))
    element = _select([("", "None"), *[(e.value, e.value.capitalize()) for e in Element]])
    trigger_ut = _select(UT_CHOICES, initial="h1")
    trigger_location = _select([(loc.value, loc.value.capitalize()) for loc in Location],
                               initial="higher")
    trigger_order_direction = _select(
        [(s.value, s.value.upper()) for s in Side], initial="buy",
        widget=forms.Select(attrs={"data-name-part": "direction"}),
    )
    trigger_quantity = forms.CharField(**_TEXT, widget=_decimal_input())
    trigger_offset = forms.CharField(**_TEXT, widget=_decimal_input(
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
        for name in CONDITION_FIELDS:  # a condition column without a declared field: text
            self.fields.setdefault(name, forms.CharField(required=False))
        for name, field in self.fields.items():
            field.label = LABELS.get(name, field.label)
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
                field = self.field_for(path, message)
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
        return {**nest(given, WORKFLOW_COLUMNS),
                "conditions": [nest(given, CONDITION_COLUMNS), *self.extra_conditions]}

    def field_for(self, path: str, message: str) -> str | None:
        """The field a `WorkflowIn` error path belongs to (None: a form-wide error); only the
        first condition is on the form."""
        if path.startswith("conditions["):
            first, _, path = path.partition("].")
            if first != "conditions[0":
                return None
            field = column_for(path, message, columns=CONDITION_COLUMNS)
        else:
            field = column_for(path, message, columns=WORKFLOW_COLUMNS)
        return field if field in self.fields else None


CONDITION_FIELDS = tuple(column.name for column in CONDITION_COLUMNS)
TRIGGER_FIELDS = tuple(c.name for c in columns_under(WORKFLOW_COLUMNS, "trigger")
                       if c.name != "trigger_signal")  # the page keeps the stored signal


def suggest_name(direction: str, indicator: str, ut: str, cfd: str) -> str:
    """Reference §8.8: `<ORDER DIRECTION> <INDICATOR> <UT>` upper-cased, plus ` <cfd>` when
    a CFD is given (e.g. "BUY BBB H1 GER40.I"). Mirrored by static/js/workflow_form.js."""
    words = [w for w in (direction, indicator, ut) if w]
    name = " ".join(words).upper()
    return f"{name} {cfd}".strip() if cfd else name


_GOT = re.compile(r" \(got .*\)$")


def clean_message(message: str) -> str:
    return _GOT.sub("", message)


def initial_from_workflow(workflow: Workflow) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Form initial values for `workflow` (its first condition on the form) and its extra (not
    evaluated) conditions, as `WorkflowIn` input dicts."""
    conditions = list(workflow.conditions.all())
    values = row_values(workflow, WORKFLOW_COLUMNS)
    if conditions:
        values.update(row_values(conditions[0], CONDITION_COLUMNS))
    initial = {name: value if isinstance(value, bool) else _text(value)
               for name, value in values.items()}
    return initial, [_jsonable(condition_dict(row)) for row in conditions[1:]]


def _text(value: Any) -> str:
    """An initial value as the form shows it: dates ISO, decimals plain, None blank."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _jsonable(condition: dict[str, Any]) -> dict[str, Any]:
    ind = condition["indicator"]
    for n in ("x1", "x2"):
        if ind[n] is None:
            ind.pop(n)
    return condition
