"""/workflows/new/ and /workflows/<id>/edit/: one form, validated by `WorkflowIn`."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from korder_site.permissions import trade_required
from workflows.models import Workflow
from workflows.selectors import workflows_with_conditions
from workflows.services import WorkflowNameTaken, create_workflow, replace_workflow
from workflows.views.forms import (
    CONDITION_FIELDS,
    TRIGGER_FIELDS,
    WorkflowPageForm,
    initial_from_workflow,
)


@trade_required
@require_http_methods(["GET", "POST"])
def workflow_create(request: HttpRequest) -> HttpResponse:
    form = WorkflowPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow = create_workflow(definition=form.definition)
        except WorkflowNameTaken as exc:
            form.add_error("name", f"A workflow named “{exc.name}” already exists.")
        else:
            messages.success(request, f"Workflow “{workflow.name}” created.")
            return redirect(workflow)
    return _render_form(request, form, workflow=None)


@trade_required
@require_http_methods(["GET", "POST"])
def workflow_edit(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    workflow = get_object_or_404(workflows_with_conditions(), id=workflow_id)
    initial, extra = initial_from_workflow(workflow)
    form = WorkflowPageForm(request.POST or None, initial=initial, extra_conditions=extra)
    if request.method == "POST" and form.is_valid():
        try:
            replace_workflow(workflow=workflow, definition=form.definition)
        except WorkflowNameTaken as exc:
            form.add_error("name", f"A workflow named “{exc.name}” already exists.")
        else:
            messages.success(request, f"Workflow “{workflow.name}” saved.")
            return redirect(workflow)
    return _render_form(request, form, workflow=workflow)


def _render_form(request: HttpRequest, form: WorkflowPageForm, *, workflow: Workflow | None
                 ) -> HttpResponse:
    return render(request, "workflows/form.html", {
        "nav": "workflows", "form": form, "workflow": workflow,
        "extra_conditions": form.extra_conditions,
        "condition_fields": CONDITION_FIELDS, "trigger_fields": TRIGGER_FIELDS,
    })
