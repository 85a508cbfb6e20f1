"""Who may trade (SPEC §13): viewing is not trading.

One Django permission, `workflows.trade` (on `workflows.Workflow`), guards every action that
can lead to an order: create/edit/enable/disable/archive a workflow, make it live, Run now,
cancel a broker order. It is granted through the `Trader` group (made by a data migration);
`Viewer` members and plain logged-in users can only look. Staff and superusers have all.

Pages use `@trade_required` (403 page with a clear message); API operations call
`require_trade(request)` (403 JSON through `korder_site.api`), which also refuses a token
whose scope is `read`. Templates hide what a viewer can't use with `can_trade`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TRADE_PERMISSION = "workflows.trade"
TRADE_CODENAME = "trade"
TRADE_PERMISSION_NAME = "Can trade: create, change, enable, archive, make live and run workflows"
VIEWER_GROUP = "Viewer"
TRADER_GROUP = "Trader"
# (app_label, codename) granted to each group.
GROUP_PERMISSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    VIEWER_GROUP: (("workflows", "view_workflow"),),
    TRADER_GROUP: (("workflows", "view_workflow"), ("workflows", TRADE_CODENAME)),
}
FORBIDDEN = (
    "You can view workflows and orders but not trade: creating, editing, enabling, disabling, "
    "archiving, going live and Run now need the Trader role. Ask an administrator."
)
READ_ONLY_TOKEN = (
    "This API token is read-only (scope 'read'): writes need a token made with --scope trade."
)


class TradeForbidden(Exception):
    """The caller may not trade; `detail` says why (mapped to 403 by the API)."""

    def __init__(self, detail: str = FORBIDDEN) -> None:
        super().__init__(detail)
        self.detail = detail


def can_trade(user: Any) -> bool:
    """True for an active user holding `workflows.trade`, and for staff and superusers."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_staff or user.has_perm(TRADE_PERMISSION))


def check_trade(user: Any, token: Any = None) -> None:
    """Raise TradeForbidden unless `user` may trade and `token` (if the call used one) has
    the trade scope."""
    if not can_trade(user):
        raise TradeForbidden()
    if token is not None and not token.allows_trade:
        raise TradeForbidden(READ_ONLY_TOKEN)


def require_trade(request: HttpRequest) -> None:
    """For API writes: raise TradeForbidden (→ 403 JSON) unless the caller may trade, with a
    trade-scoped token when it used one. `korder_site.auth.TRADE_AUTH` does the same check
    before the body is parsed; calling this in the operation as well keeps it explicit."""
    token = getattr(request, "api_token", None)
    user = getattr(request, "auth", None) or request.user
    check_trade(user, token)


def forbidden_page(request: HttpRequest, detail: str = FORBIDDEN) -> HttpResponse:
    return render(request, "403.html", {"detail": detail}, status=403)


def trade_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page decorator: login first (redirect), then the 403 page unless the user may trade."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_trade(request.user):
            return forbidden_page(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def ensure_groups(group_model: Any, permission_model: Any, content_type_model: Any) -> None:
    """Create the Viewer and Trader groups with their permissions (idempotent). Takes the
    models as arguments so the data migration can pass its historical ones."""
    for group_name, perms in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        for app_label, codename in perms:
            content_type, _ = content_type_model.objects.get_or_create(
                app_label=app_label, model="workflow"
            )
            permission, _ = permission_model.objects.get_or_create(
                content_type=content_type, codename=codename,
                defaults={"name": _permission_name(codename)},
            )
            group.permissions.add(permission)


def grant_role(user: Any, group_name: str) -> None:
    """Put `user` in the Viewer or Trader group (creating the groups if a test database was
    flushed since the migration made them)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    if group_name not in GROUP_PERMISSIONS:
        raise ValueError(f"unknown role {group_name!r} (use {', '.join(GROUP_PERMISSIONS)})")
    ensure_groups(Group, Permission, ContentType)
    user.groups.add(Group.objects.get(name=group_name))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def _permission_name(codename: str) -> str:
    return TRADE_PERMISSION_NAME if codename == TRADE_CODENAME else "Can view workflow"


def trade_context(request: HttpRequest) -> dict[str, bool]:
    """Template context processor: `can_trade` decides which action buttons are shown."""
    return {"can_trade": can_trade(getattr(request, "user", None))}
