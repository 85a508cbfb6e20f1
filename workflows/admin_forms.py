"""The admin's forms: model forms that validate through the shared pydantic path
(workflows/validation.py), nesting and mapping errors back by the one column table (specs.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import BaseModel, ValidationError

from workflows.models import Condition, Workflow
from workflows.specs import (
    CONDITION_COLUMNS,
    LABELS,
    WORKFLOW_COLUMNS,
    Column,
    column_for,
    columns_under,
    nest,
)
from workflows.validation import (
    ConditionIn,
    TriggerIn,
    check_symbol_text,
    error_lines,
    no_control,
)

TRIGGER_COLUMNS = columns_under(WORKFLOW_COLUMNS, "trigger")


def validate_into(form: forms.BaseForm, model: type[BaseModel], data: dict[str, Any],
                  columns: tuple[Column, ...], *, prefix: str = "") -> BaseModel | None:
    """`model` validated from `data`, or None with each error attached to the form field of
    its column (a form-wide error when no field of the form holds it)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for path, message in error_lines(exc):
            field = column_for(prefix + path, message, columns=columns)
            if field is not None and field in form.fields:
                form.add_error(field, message if path == field else f"{path}: {message}")
            else:
                form.add_error(None, f"{path}: {message}")
        return None


class WorkflowAdminForm(forms.ModelForm):
    class Meta:
        model = Workflow
        fields = "__all__"
        labels = LABELS

    def clean_name(self) -> str:
        return _checked(self.cleaned_data.get("name"), no_control)

    def clean_index(self) -> str:
        return _checked(self.cleaned_data.get("index"), check_symbol_text)

    def clean_cfd(self) -> str:
        return _checked(self.cleaned_data.get("cfd"), check_symbol_text)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        required = [c for c in TRIGGER_COLUMNS if c.name != "trigger_offset"]
        if all(data.get(c.name) not in (None, "") for c in required):
            trigger = nest(data, TRIGGER_COLUMNS).get("trigger", {})
            model = validate_into(self, TriggerIn, trigger, TRIGGER_COLUMNS, prefix="trigger.")
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


class ConditionAdminForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = "__all__"
        labels = LABELS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        model = validate_into(self, ConditionIn, nest(data, CONDITION_COLUMNS), CONDITION_COLUMNS)
        if isinstance(model, ConditionIn):  # zone bounds are stored sorted
            data["value"] = model.indicator.value
            data["zone_value"] = model.indicator.zone_value
            self.instance.value = model.indicator.value
            self.instance.zone_value = model.indicator.zone_value
        return data
