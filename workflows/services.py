"""Writes on workflows: create, replace, archive, enable, and the atomic YAML import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from workflows.models import Workflow
from workflows.specs import condition_fields, definition_from_workflow, workflow_fields
from workflows.validation import WorkflowIn, format_errors


class WorkflowNameTaken(Exception):
    """Another workflow already uses this name (names are unique)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"a workflow named {name!r} already exists")
        self.name = name


class WorkflowNotFound(Exception):
    def __init__(self, workflow_id: object) -> None:
        super().__init__(f"Workflow not found: {workflow_id}")
        self.workflow_id = workflow_id


def _check_name_free(name: str, *, exclude_id: object = None) -> None:
    clash = Workflow.objects.filter(name__iexact=name)
    if exclude_id is not None:
        clash = clash.exclude(id=exclude_id)
    if clash.exists():
        raise WorkflowNameTaken(name)


def _write_conditions(workflow: Workflow, definition: WorkflowIn) -> None:
    workflow.conditions.all().delete()
    for position, condition in enumerate(definition.conditions):
        workflow.conditions.create(**condition_fields(condition, position))


@transaction.atomic
def create_workflow(*, definition: WorkflowIn) -> Workflow:
    """Store a validated definition as a new workflow. Raises WorkflowNameTaken."""
    _check_name_free(definition.name)
    workflow = Workflow.objects.create(**workflow_fields(definition))
    _write_conditions(workflow, definition)
    return workflow


@transaction.atomic
def replace_workflow(*, workflow: Workflow, definition: WorkflowIn) -> Workflow:
    """Replace every field and condition of `workflow`; id and created_at are kept."""
    _check_name_free(definition.name, exclude_id=workflow.id)
    for name, value in workflow_fields(definition).items():
        setattr(workflow, name, value)
    workflow.save()
    _write_conditions(workflow, definition)
    return workflow


def archive_workflow(*, workflow: Workflow, now: datetime) -> Workflow:
    """Archive instead of delete: it stops running, its orders stay visible."""
    if workflow.archived_at is None:
        workflow.archived_at = now
        workflow.enabled = False
        workflow.save(update_fields=["archived_at", "enabled", "updated_at"])
    return workflow


def set_workflow_enabled(*, workflow: Workflow, enabled: bool) -> Workflow:
    workflow.enabled = enabled
    workflow.save(update_fields=["enabled", "updated_at"])
    return workflow


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} errors"
        )


def validate_documents(raw: Sequence[Any]) -> tuple[list[WorkflowIn], list[str]]:
    """Validate every entry; return the good definitions and one line per error."""
    definitions: list[WorkflowIn] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(raw, start=1):
        label = item.get("name") if isinstance(item, dict) else None
        label = str(label).strip() if label else f"#{position}"
        if not isinstance(item, dict):
            errors.append(f"workflow #{position}: must be a mapping, got {type(item).__name__}")
            continue
        try:
            definition = WorkflowIn.model_validate(item)
        except ValidationError as exc:
            errors.extend(format_errors(exc, workflow=label))
            continue
        key = definition.name.lower()
        if key in seen:
            errors.append(f"workflow {label!r}: name: duplicate of workflow #{seen[key]}")
            continue
        seen[key] = position
        definitions.append(definition)
    return definitions, errors


class _Rollback(Exception):
    pass


def import_workflows(*, raw: Sequence[Any], check: bool = False) -> ImportReport:
    """Upsert workflows by name, all or nothing. With `check`, validate and report only."""
    report = ImportReport()
    definitions, report.errors = validate_documents(raw)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for definition in definitions:
                _upsert(definition, report)
            if check:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _upsert(definition: WorkflowIn, report: ImportReport) -> None:
    existing = Workflow.objects.filter(name__iexact=definition.name).first()
    if existing is None:
        create_workflow(definition=definition)
        report.created.append(definition.name)
    elif definition_from_workflow(existing) == definition:
        report.unchanged.append(definition.name)
    else:
        replace_workflow(workflow=existing, definition=definition)
        report.updated.append(definition.name)
