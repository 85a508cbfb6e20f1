"""`manage.py purge_expired_orders` (korder_site) also prunes the engine's decision log."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from workflows.models import Decision


def _decision(age: timedelta) -> Decision:
    now = timezone.now()
    return Decision.objects.create(
        workflow_id=uuid.uuid4(), workflow_name="w", evaluated_at=now - age,
        created_at=now - age, outcome="no_order", reason="condition false",
    )


@pytest.mark.django_db
def test_purge_expired_orders_deletes_decisions_older_than_seven_days(order_store):
    old = _decision(timedelta(days=7, seconds=5))
    recent = _decision(timedelta(days=6, hours=23))
    out = StringIO()
    call_command("purge_expired_orders", stdout=out)
    assert "Deleted 1 decision log rows." in out.getvalue()
    remaining = set(Decision.objects.values_list("id", flat=True))
    assert remaining == {recent.id} and old.id not in remaining
