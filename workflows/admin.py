from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from workflows.admin_forms import ConditionAdminForm, WorkflowAdminForm
from workflows.models import Condition, Decision, EngineRun, RunClaim, RunnerHeartbeat, Workflow
from workflows.validation import MAX_CONDITIONS


class ConditionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise ValidationError("conditions: a workflow needs at least one condition")
        if len(kept) > MAX_CONDITIONS:
            raise ValidationError(f"conditions: at most {MAX_CONDITIONS} (got {len(kept)})")


class ConditionInline(admin.StackedInline):
    model = Condition
    form = ConditionAdminForm
    formset = ConditionFormSet
    extra = 0
    min_num = 1
    max_num = MAX_CONDITIONS
    fields = (
        ("position", "indicator_name", "indicator_ut"),
        ("value", "zone_value"),
        ("x1_date", "x1_price", "x2_date", "x2_price"),
        ("close_direction", "close_ut", "spread", "element"),
    )


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    form = WorkflowAdminForm
    inlines = [ConditionInline]
    list_display = ("name", "index", "cfd", "enabled", "dry_run", "end_date", "archived_at")
    list_filter = ("enabled", "dry_run", "is_us", "conditions__indicator_name", "archived_at")
    search_fields = ("name", "index", "cfd")
    readonly_fields = ("id", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("id", "name", ("index", "cfd"), ("enabled", "dry_run", "is_us"))}),
        ("Schedule", {"fields": ("end_date", "archived_at")}),
        (
            "Trigger",
            {
                "fields": (
                    ("trigger_ut", "trigger_signal", "trigger_location"),
                    ("trigger_order_direction", "trigger_quantity", "trigger_offset"),
                )
            },
        ),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


# --- run ledger (read-only: written by the engine only) -----------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RunClaim)
class RunClaimAdmin(ReadOnlyAdmin):
    list_display = ("workflow_name", "side", "trigger_candle_time", "status", "dry_run",
                    "broker", "broker_order_id", "claimed_at")
    list_filter = ("status", "dry_run", "broker")
    search_fields = ("workflow_name", "order_id", "broker_order_id")
    date_hierarchy = "claimed_at"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("workflow_name", "evaluated_at", "outcome", "condition_holds",
                    "indicator_value", "close_price", "reason")
    list_filter = ("outcome", "dry_run", "skip_code")
    search_fields = ("workflow_name", "reason", "order_id")
    date_hierarchy = "evaluated_at"


# --- engine status (read-only: written by the engine only) --------------------------------------


@admin.register(EngineRun)
class EngineRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "source", "host", "evaluated_at", "summary",
                    "error")
    list_filter = ("source", "host")
    date_hierarchy = "started_at"


@admin.register(RunnerHeartbeat)
class RunnerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("host", "pid", "started_at", "beat_at", "stopped_at")
