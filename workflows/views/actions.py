"""POST actions of the detail page: enable/disable, archive (after a confirmation page), run now."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from korder_site.permissions import trade_required
from workflows.models import Workflow
from workflows.services import archive_workflow, set_workflow_enabled
from workflows.views.panels import run_now


@trade_required
@require_POST
def workflow_toggle(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    workflow = get_object_or_404(Workflow, id=workflow_id, archived_at__isnull=True)
    enabled = request.POST.get("enabled") == "1"
    set_workflow_enabled(workflow=workflow, enabled=enabled)
    messages.success(request, f"Workflow “{workflow.name}” {'enabled' if enabled else 'disabled'}.")
    return redirect(workflow)


@trade_required
@require_http_methods(["GET", "POST"])
def workflow_archive(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    """GET: the confirmation page (works without JavaScript); POST: archive."""
    workflow = get_object_or_404(Workflow, id=workflow_id)
    if request.method == "GET":
        return render(request, "workflows/archive_confirm.html",
                      {"nav": "workflows", "workflow": workflow})
    archive_workflow(workflow=workflow, now=timezone.now())
    messages.success(request, f"Workflow “{workflow.name}” archived; its orders stay visible.")
    return redirect("workflows:list")


@trade_required
@require_POST
def workflow_run(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    """Run the engine for this workflow now, dry run forced; the outcome becomes a message."""
    workflow = get_object_or_404(Workflow, id=workflow_id)
    result = run_now(workflow=workflow, now=timezone.now())
    messages.add_message(request, result.level, result.text)
    return redirect(workflow)
