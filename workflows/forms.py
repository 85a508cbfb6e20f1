"""Forms that validate through the shared pydantic path (workflows/validation.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import BaseModel, ValidationError

from workflows.models import Condition, Workflow
from workflows.validation import (
    ConditionIn,
    TriggerIn,
    check_symbol_text,
    error_lines,
    no_control,
    parse_date,
)


def apply_model_errors(form: forms.BaseForm, exc: ValidationError, mapping: dict[str, str]) -> None:
    """Attach pydantic errors to the form field they concern (or to the form)."""
    for path, message in error_lines(exc):
        field = next((f for key, f in mapping.items() if path.startswith(key)), None)
        if field is not None and field in form.fields:
            form.add_error(field, f"{path}: {message}" if path != field else message)
        else:
            form.add_error(None, f"{path}: {message}")


def validate_into(
    form: forms.BaseForm, model: type[BaseModel], data: dict[str, Any], mapping: dict[str, str]
) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        apply_model_errors(form, exc, mapping)
        return None


TRIGGER_FIELDS = {
    "ut": "trigger_ut",
    "signal": "trigger_signal",
    "location": "trigger_location",
    "order_direction": "trigger_order_direction",
    "quantity": "trigger_quantity",
    "offset": "trigger_offset",
}

CONDITION_FIELDS = {
    "indicator.name": "indicator_name",
    "indicator.ut": "indicator_ut",
    "indicator.value": "value",
    "indicator.zone_value": "zone_value",
    "indicator.x1": "x1_date",
    "indicator.x2": "x2_date",
    "indicator": "value",
    "close.direction": "close_direction",
    "close.ut": "close_ut",
    "close.spread": "spread",
    "element": "element",
}


class WorkflowAdminForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = "__all__"

    def clean_name(self) -> str:
        return _checked(self.cleaned_data.get("name"), no_control)

    def clean_index(self) -> str:
        return _checked(self.cleaned_data.get("index"), check_symbol_text)

    def clean_cfd(self) -> str:
        return _checked(self.cleaned_data.get("cfd"), check_symbol_text)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        trigger = {key: data.get(field) for key, field in TRIGGER_FIELDS.items()}
        if all(v not in (None, "") for k, v in trigger.items() if k != "offset"):
            model = validate_into(self, TriggerIn, trigger, TRIGGER_FIELDS)
            if isinstance(model, TriggerIn):
                data["trigger_location"] = model.location.value
                data["trigger_order_direction"] = model.order_direction.value
        return data


def _checked(value: Any, rule: Any) -> str:
    """A text field through one rule of workflows/validation.py (a ValueError → field error)."""
    text = (value or "").strip()
    try:
        return rule(text)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None


def _point(date_value: Any, price: Any) -> dict[str, Any] | None:
    if date_value in (None, "") and price in (None, ""):
        return None
    return {"date": date_value, "price": price}


class ConditionAdminForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        raw = {
            "indicator": {
                "name": data.get("indicator_name"),
                "ut": data.get("indicator_ut"),
                "value": data.get("value"),
                "zone_value": data.get("zone_value"),
                "x1": _point(data.get("x1_date"), data.get("x1_price")),
                "x2": _point(data.get("x2_date"), data.get("x2_price")),
            },
            "close": {
                "direction": data.get("close_direction"),
                "ut": data.get("close_ut"),
                "spread": data.get("spread"),
            },
            "element": data.get("element") or None,
        }
        model = validate_into(self, ConditionIn, raw, CONDITION_FIELDS)
        if isinstance(model, ConditionIn):  # zone bounds are stored sorted
            data["value"] = model.indicator.value
            data["zone_value"] = model.indicator.zone_value
            self.instance.value = model.indicator.value
            self.instance.zone_value = model.indicator.zone_value
        return data


__all__ = ["ConditionAdminForm", "WorkflowAdminForm", "parse_date", "validate_into"]
