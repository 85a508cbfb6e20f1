from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"

    def ready(self) -> None:
        from orders.signals import records_landed
        from workflows.engine import ledger

        # an outbox flush (any process) tells the claims their record landed
        records_landed.connect(ledger.records_landed, dispatch_uid="workflows.claims_recorded")
