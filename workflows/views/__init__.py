"""The trader's pages (SPEC §8). Thin function views: parse input, call one selector/service
(or a page panel of `panels.py`), render."""

from workflows.views.actions import workflow_archive, workflow_run, workflow_toggle
from workflows.views.blotter import blotter_page
from workflows.views.detail import workflow_chart, workflow_detail, workflow_history
from workflows.views.edit import workflow_create, workflow_edit
from workflows.views.lists import order_list, workflow_list
from workflows.views.status import status_page

__all__ = [
    "blotter_page", "order_list", "status_page", "workflow_archive", "workflow_chart",
    "workflow_create", "workflow_detail", "workflow_edit", "workflow_history", "workflow_list",
    "workflow_run", "workflow_toggle",
]
