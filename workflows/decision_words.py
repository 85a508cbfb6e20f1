"""The decision log in plain words (issue 17 item 7, SPEC §8 "why didn't it trade?").

The engine writes a compact, exact `reason` ("ma50 18240; close 18120, high 18130 not in
[18235, 18240]"); the page says it as a sentence ("close 18,120 and high 18,130 were not within
MA50 18,240 − spread 5 (18,235 – 18,240)") and collapses identical consecutive outcomes into
one row with a count and a time range. Pure: no queries, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = r"-?\d+(?:\.\d+)?"
_COMPARED = re.compile(
    rf"(?P<indicator>[a-z0-9]+ (?:{_NUMBER}|\[{_NUMBER}, {_NUMBER}\]))"
    rf"; (?P<prices>[a-z]+ {_NUMBER}(?:, [a-z]+ {_NUMBER})*)"
    rf" (?P<verdict>in|not in) \[(?P<low>{_NUMBER}), (?P<high>{_NUMBER})\]"
)
_CROSSED = re.compile(
    rf"(?P<name>[a-z0-9]+) (?P<level>{_NUMBER}); crossed, close (?P<close>{_NUMBER})")
_COMBO = re.compile(
    r"combo(?P<signal>.*?); (?P<direction>above|below) needs a (?P<side>buy|sell) signal")
_NO_VALUE = re.compile(r"(?P<name>[a-z0-9]+) none: no value to compare")
_NAMES = {"ma7": "MA7", "ma50": "MA50", "bbb": "lower Bollinger band",
          "bbh": "upper Bollinger band", "inclined": "inclined line", "polarite": "polarity level",
          "zone": "zone"}
_QUIET_PREFIXES = ("condition does not hold",)


def amount(text: str) -> str:
    """18120 → 18,120; 18240.5 → 18,240.5; 1.08345 stays (never drops digits)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    sign, digits = ("-" if value < 0 else ""), abs(value)
    whole, _, fraction = f"{digits:f}".partition(".")
    fraction = fraction.rstrip("0")
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def _target(indicator: str, low: str, high: str) -> str:
    name, _, rest = indicator.partition(" ")
    label = _NAMES.get(name, name.upper())
    if rest.startswith("["):
        return f"{label} {amount(low)} – {amount(high)}"
    level, lo, hi = Decimal(rest), Decimal(low), Decimal(high)
    spread = hi - lo
    if spread == 0:
        return f"{label} {amount(rest)}"
    sign = "+" if lo == level else "−"
    return (f"{label} {amount(rest)} {sign} spread {amount(str(spread))} "
            f"({amount(low)} – {amount(high)})")


def _compared(match: re.Match[str]) -> str:
    prices = [p.split(" ") for p in match["prices"].split(", ")]
    said = " and ".join(f"{name} {amount(value)}" for name, value in prices)
    verb = "was" if len(prices) == 1 else "were"
    verdict = "within" if match["verdict"] == "in" else "not within"
    return f"{said} {verb} {verdict} {_target(match['indicator'], match['low'], match['high'])}"


_SIGNAL = re.compile(rf"(?P<side>buy|sell) (?P<strength>\w+) at (?P<price>{_NUMBER})")


def _combo(match: re.Match[str]) -> str:
    signal = match["signal"].strip()
    found = _SIGNAL.search(signal)
    if found:
        seen = (f"a {found['side'].upper()} signal ({found['strength']}) at "
                f"{amount(found['price'])}")
    else:
        seen = "no signal" + signal.removeprefix(": no signal")
    return (f"combo gave {seen}; close {match['direction']} needs a {match['side'].upper()} "
            "signal")


def plain_reason(reason: str) -> str:
    """The engine's reason as a sentence; text it does not recognise is returned unchanged."""
    for pattern, say in ((_COMPARED, _compared), (_COMBO, _combo)):
        match = pattern.search(reason)
        if match:
            return _with_prefix(reason[: match.start()], say(match))
    missing = _NO_VALUE.search(reason)
    if missing:
        label = _NAMES.get(missing["name"], missing["name"].upper())
        return _with_prefix(reason[: missing.start()], f"{label} had no value to compare with")
    crossed = _CROSSED.search(reason)
    if crossed:
        label = _NAMES.get(crossed["name"], crossed["name"].upper())
        words = (f"the candle crossed the {label} {amount(crossed['level'])} and closed at "
                 f"{amount(crossed['close'])}")
        return _with_prefix(reason[: crossed.start()], words)
    return reason


def _with_prefix(prefix: str, words: str) -> str:
    prefix = prefix.strip().rstrip(":").strip()
    if not prefix or prefix.startswith(_QUIET_PREFIXES):
        return words
    return f"{prefix}: {words}"


@dataclass(frozen=True)
class DecisionRow:
    """One shown row: the newest decision of a run of identical outcomes, and the run's size."""

    decision: Any  # workflows.models.Decision (duck-typed: pure code)
    count: int
    oldest_at: datetime
    words: str

    @property
    def newest_at(self) -> datetime:
        return self.decision.evaluated_at


def _same_outcome(decision: Any) -> tuple:
    """Orders are never merged (each is its own order); failures merge only with the same
    message; "no order" rows merge by why (skip code) and mode."""
    kind = (decision.outcome, decision.skip_code, decision.dry_run, decision.condition_holds)
    if decision.outcome == "ordered":
        return (*kind, decision.pk)
    if decision.outcome in ("failed", "rejected"):
        return (*kind, decision.reason)
    return kind


def collapse_decisions(decisions: Iterable[Any], *, limit: int | None = None
                       ) -> list[DecisionRow]:
    """Newest-first decisions → rows, identical consecutive outcomes collapsed into one."""
    rows: list[DecisionRow] = []
    last_key: tuple | None = None
    for decision in decisions:
        key = _same_outcome(decision)
        if rows and key == last_key:
            top = rows[-1]
            rows[-1] = DecisionRow(top.decision, top.count + 1, decision.evaluated_at, top.words)
            continue
        if limit is not None and len(rows) == limit:
            break
        rows.append(DecisionRow(decision, 1, decision.evaluated_at, plain_reason(decision.reason)))
        last_key = key
    return rows


__all__: Sequence[str] = ["DecisionRow", "amount", "collapse_decisions", "plain_reason"]
