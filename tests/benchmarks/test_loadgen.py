"""benchmarks/loadgen.py's capacity search (Climb), against scripted clients: it finds the
capacity to within ~5%, and stalls that fail a step now and then do not end it early."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import loadgen  # noqa: E402


class ScriptedClients:
    """p99 10 ms up to `capacity` req/s, 200 ms above; the attempts numbered in `stalls`
    (1-based, counting every step) miss whatever their rate."""

    def __init__(self, capacity: float, stalls: set[int] = frozenset()) -> None:
        self.capacity, self.stalls, self.rates = capacity, stalls, []

    def step(self, rate: float, seconds: float) -> dict:
        self.rates.append(rate)
        stalled = len(self.rates) in self.stalls
        p99 = 200.0 if stalled or rate > self.capacity else 10.0
        return {"offered_rate": rate, "errors": 0, "p99_ms": p99}


def climb(clients: ScriptedClients) -> loadgen.Climb:
    search = loadgen.Climb(clients, start_rate=5, step_seconds=0, p99_ms=50, max_rate=2000)
    while not search.done:
        search.step()
    return search


@pytest.mark.parametrize("capacity", [7, 40, 83, 100, 137, 500])
def test_it_finds_the_capacity_within_five_percent(capacity: float) -> None:
    search = climb(ScriptedClients(capacity))

    assert capacity / 1.05 <= search.best <= capacity


def test_two_stalls_in_a_row_do_not_end_the_climb() -> None:
    # Attempts 4 and 5 are the first two at 16.8/s (5, 7.5 and 11.2 pass first).
    clients = ScriptedClients(137, stalls={4, 5})

    assert 137 / 1.05 <= climb(clients).best <= 137
    assert clients.rates[3:6] == [16.8, 16.8, 16.8]


def test_a_start_rate_that_misses_is_a_capacity_of_zero() -> None:
    clients = ScriptedClients(3)

    assert climb(clients).best == 0
    assert clients.rates == [5, 5, 5]
