from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"

    def ready(self) -> None:
        from orders.purges import register_purge
        from workflows.engine.ledger import purge_decisions

        register_purge("decision log rows", purge_decisions)
