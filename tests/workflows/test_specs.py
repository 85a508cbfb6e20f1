"""The one definition mapping (workflows/specs.py) and the API output derived from the input
shape (workflows/definition_out.py): a definition field is declared once in `WorkflowIn`, once
in the column table, and every other shape follows."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from workflows.definition_out import mirror
from workflows.models import Condition, Workflow
from workflows.schemas import WorkflowOut
from workflows.services import import_workflows
from workflows.specs import CONDITION_COLUMNS, WORKFLOW_COLUMNS
from workflows.validation import DEFAULT_OFFSET, ConditionIn, IndicatorIn, WorkflowIn

INCLINED = {
    "name": "every field", "index": "DAX.I", "cfd": "GER40.I", "dry_run": True,
    "end_date": "2030-01-31",
    "conditions": [{
        "indicator": {"name": "inclined", "ut": "h1",
                      "x1": {"date": "2026-02-02", "price": 22000},
                      "x2": {"date": "2026-02-09", "price": 22400}},
        "close": {"direction": "above", "ut": "h1", "spread": 2.5},
        "element": "high",
    }],
    "trigger": {"ut": "h1", "location": "higher", "order_direction": "buy", "quantity": 1},
}


def leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every leaf field of an input model as a nested path (lists and unions unwrapped)."""
    paths = set()
    for name, field in model.model_fields.items():
        nested = [a for a in (field.annotation, *getattr(field.annotation, "__args__", ()))
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            paths |= leaf_paths(nested[0], (*prefix, name))
        else:
            paths.add((*prefix, name))
    return paths


def answer_paths(answer: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    if isinstance(answer, dict):
        return set().union(*(answer_paths(v, (*prefix, k)) for k, v in answer.items()))
    if isinstance(answer, list):
        return answer_paths(answer[0], prefix)
    return {prefix}


def test_the_column_table_names_every_input_field_once_and_every_column_exists() -> None:
    workflow_leaves = {p for p in leaf_paths(WorkflowIn) if p[0] != "conditions"}
    assert {c.path for c in WORKFLOW_COLUMNS} == workflow_leaves
    assert {c.path for c in CONDITION_COLUMNS} == leaf_paths(ConditionIn)
    for model, columns in ((Workflow, WORKFLOW_COLUMNS), (Condition, CONDITION_COLUMNS)):
        for column in columns:
            model._meta.get_field(column.name)  # raises FieldDoesNotExist


@pytest.mark.django_db
def test_the_api_answer_has_every_input_field_read_from_the_row() -> None:
    assert import_workflows(raw=[INCLINED]).errors == []
    answer = WorkflowOut.from_workflow(Workflow.objects.get()).model_dump(mode="json")

    definition = {p for p in answer_paths(answer) if p[0] in WorkflowIn.model_fields}
    assert definition == leaf_paths(WorkflowIn)
    condition = answer["conditions"][0]
    assert condition["indicator"]["x1"] == {"date": "2026-02-02", "price": 22000.0}
    assert condition["indicator"]["value"] is None and condition["element"] == "high"
    assert answer["trigger"]["offset"] == float(DEFAULT_OFFSET)  # the default, from the row


def test_a_new_input_field_reaches_the_output_schema_without_editing_it() -> None:
    class WiderIndicatorIn(IndicatorIn):
        period: int | None = None

    out = mirror(WiderIndicatorIn)
    assert out.model_fields["period"].annotation == int | None
    assert out.model_fields["ut"].annotation is str  # enums answer as their value
    assert out.model_fields["value"].annotation == float | None  # decimals as numbers
    assert all(field.is_required() for field in out.model_fields.values())  # every key present
