"""Signals of the order history, for the apps that keep their own view of an order's fate
(`orders` never imports them: they connect here)."""

from django.dispatch import Signal

# Sent by `services.flush_outbox` after outbox records reached the store (written now or
# already there); `order_ids` is a list of str. The engine marks those claims "recorded".
records_landed = Signal()
