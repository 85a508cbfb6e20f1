"""The outbox admin is read-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from orders.models import OutboxRecord
from orders.records import record_to_dict
from tests.fixtures.order_store import make_order_record

pytestmark = pytest.mark.django_db


def test_outbox_admin_lists_records_but_offers_no_edit(client) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345678")
    client.force_login(admin)
    record = make_order_record(workflow_name="dax breakout")
    OutboxRecord.objects.create(
        order_id=record.id, workflow_id=record.workflow_id, workflow_name=record.workflow_name,
        placed_at=record.placed_at, payload=record_to_dict(record),
        created_at=datetime.now(UTC), last_error="store down",
    )

    listing = client.get("/admin/orders/outboxrecord/")
    add = client.get("/admin/orders/outboxrecord/add/")

    assert listing.status_code == 200 and b"dax breakout" in listing.content
    assert add.status_code == 403
