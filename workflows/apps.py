from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"

    def ready(self) -> None:
        from orders.purges import register_purge
        from orders.signals import records_landed
        from workflows.engine import ledger, runlog

        register_purge("decision log rows", ledger.purge_decisions)
        register_purge("engine run rows and heartbeats", runlog.purge_runs)
        # an outbox flush (any process) tells the claims their record landed
        records_landed.connect(ledger.records_landed, dispatch_uid="workflows.claims_recorded")
