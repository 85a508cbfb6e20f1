from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"
    verbose_name = "Order history"

    def ready(self) -> None:
        from orders import connection

        connection.configure()
        setting_changed.connect(_rebind_store, dispatch_uid="orders.rebind_store")


def _rebind_store(*, setting: str, **_: Any) -> None:
    """Keep the PynamoDB model bound to the settings (override_settings in tests)."""
    if setting.startswith("KORDER_DYNAMODB_"):
        from orders import connection

        connection.configure()
