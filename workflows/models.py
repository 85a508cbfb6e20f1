"""Workflow definitions and the engine's run ledger (claims, decision log, outbox)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.urls import reverse

from workflows.engine.types import (
    DEFAULT_OFFSET,
    Direction,
    Element,
    IndicatorName,
    Location,
    Side,
    Signal,
    UnitTime,
)

PRICE = {"max_digits": 24, "decimal_places": 8}


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]  # type: ignore[attr-defined]


class Workflow(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    index = models.CharField(max_length=64, help_text="Symbol the indicator is computed on")
    cfd = models.CharField(max_length=64, verbose_name="CFD", help_text="Symbol traded")
    enabled = models.BooleanField(default=True)
    dry_run = models.BooleanField(default=False)
    is_us = models.BooleanField(default=False, verbose_name="US market")
    end_date = models.DateField(null=True, blank=True, help_text="Still runs on this date")
    trigger_ut = models.CharField(max_length=8, choices=_choices(UnitTime), default="h1")
    trigger_signal = models.CharField(max_length=16, choices=_choices(Signal), default="breakout")
    trigger_location = models.CharField(max_length=8, choices=_choices(Location))
    trigger_order_direction = models.CharField(max_length=4, choices=_choices(Side))
    trigger_quantity = models.DecimalField(**PRICE)
    trigger_offset = models.DecimalField(**PRICE, default=DEFAULT_OFFSET)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["enabled", "archived_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workflows:detail", args=[self.id])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def is_due(self, today: date) -> bool:
        if not self.enabled or self.is_archived:
            return False
        return self.end_date is None or self.end_date >= today


class Condition(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField(default=0)
    indicator_name = models.CharField(max_length=16, choices=_choices(IndicatorName))
    indicator_ut = models.CharField(max_length=8, choices=_choices(UnitTime))
    value = models.DecimalField(**PRICE, null=True, blank=True)
    zone_value = models.DecimalField(**PRICE, null=True, blank=True)
    x1_date = models.DateField(null=True, blank=True)
    x1_price = models.DecimalField(**PRICE, null=True, blank=True)
    x2_date = models.DateField(null=True, blank=True)
    x2_price = models.DecimalField(**PRICE, null=True, blank=True)
    close_direction = models.CharField(max_length=8, choices=_choices(Direction))
    close_ut = models.CharField(max_length=8, choices=_choices(UnitTime))
    spread = models.DecimalField(**PRICE, default=0)
    element = models.CharField(max_length=8, choices=_choices(Element), blank=True, default="")

    class Meta:
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "position"], name="unique_condition_position")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_name} {self.indicator_ut} {self.close_direction} close {self.close_ut}"
