"""The NinjaAPI at /api: auth for every operation, one router per app, and every domain error
mapped to its status here, once (SPEC §7). Errors are JSON `{"detail": ...}`; validation
errors (422) list `{"field", "location", "message"}` per field, worded as the YAML import
words them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError, ValidationErrorContext

from korder_site.auth import API_AUTH, api_login_required, unauthorized_detail
from korder_site.middleware import too_large_detail
from korder_site.permissions import TradeForbidden
from orders.api import router as orders_router
from orders.errors import OrderNotFound, OrderStoreUnavailable
from workflows.api import router as workflows_router
from workflows.orders_api import router as workflow_orders_router
from workflows.services import WorkflowNameTaken, WorkflowNotFound
from workflows.validation import error_lines

log = logging.getLogger(__name__)
MAX_ECHO = 80


class _FlatErrors:
    """Pydantic errors with ninja's parameter prefix taken off, in the shape `error_lines`
    reads, so API and YAML import word a bad field identically."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self._errors = errors

    def errors(self, include_url: bool = False) -> list[dict[str, Any]]:
        return self._errors


def _short(value: Any) -> Any:
    """Echo at most a little of a bad input back (a 1 MB name must not come back whole)."""
    if isinstance(value, str) and len(value) > MAX_ECHO:
        return value[:MAX_ECHO] + "…"
    return value


def _field_errors(context: ValidationErrorContext) -> list[dict[str, Any]]:
    model = context.model
    source = model.__ninja_param_source__
    flat = []
    for err in context.pydantic_validation_error.errors(include_url=False):
        loc = model.__ninja_flatten_map_reverse__.get(err["loc"], err["loc"])
        if source == "body":
            loc = loc[1:] or ("body",)  # drop the operation's parameter name
        flat.append({**err, "loc": loc, "input": _short(err.get("input"))})
    lines = error_lines(_FlatErrors(flat))  # type: ignore[arg-type]
    return [{"field": field, "location": source, "message": message} for field, message in lines]


class KorderAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        return ValidationError([e for ctx in error_contexts for e in _field_errors(ctx)])


api = KorderAPI(
    title="k-order API",
    version="1.0.0",
    description="Workflows and their 7-day order history. Authenticate with a session or "
    "`Authorization: Bearer <token>` (`manage.py create_api_token USER`).",
    urls_namespace="api",
    auth=API_AUTH,
    docs_decorator=api_login_required,
)
# Order matters: /workflow/orders/export.csv before /workflow/orders/{order_id}.
api.add_router("/workflow/", workflows_router, tags=["Workflows"])
api.add_router("/workflow/", workflow_orders_router, tags=["Workflow Orders"])
api.add_router("/workflow/", orders_router, tags=["Workflow Orders"])


def _detail(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(request, 401, unauthorized_detail(request))


@api.exception_handler(TradeForbidden)
def _forbidden(request: HttpRequest, exc: TradeForbidden) -> HttpResponse:
    return _detail(request, 403, exc.detail)


@api.exception_handler(WorkflowNotFound)
def _workflow_not_found(request: HttpRequest, exc: WorkflowNotFound) -> HttpResponse:
    return _detail(request, 404, f"Workflow with id {exc.workflow_id} not found")


@api.exception_handler(OrderNotFound)
def _order_not_found(request: HttpRequest, exc: OrderNotFound) -> HttpResponse:
    detail = f"Order not found (unknown, or older than the retention window): {exc}"
    return _detail(request, 404, detail)


@api.exception_handler(WorkflowNameTaken)
def _name_taken(request: HttpRequest, exc: WorkflowNameTaken) -> HttpResponse:
    return _detail(request, 409, str(exc))


@api.exception_handler(OrderStoreUnavailable)
def _store_down(request: HttpRequest, exc: OrderStoreUnavailable) -> HttpResponse:
    log.warning("order store unavailable on %s: %s", request.path, exc)
    return _detail(request, 503, f"Order history store unavailable, try again later ({exc.public})")


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _detail(request, 413, too_large_detail())


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    log.warning("refused a suspicious request on %s: %s", request.path, type(exc).__name__)
    return _detail(request, 400, f"Bad request ({type(exc).__name__})")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _detail(request, 500, "Internal server error")
