"""The NinjaAPI at /api: routers are added per app (see workflows/api.py, orders/api.py)."""

from ninja import NinjaAPI

api = NinjaAPI(title="k-order API", version="1.0.0", urls_namespace="api")
