"""The original YAML format <-> plain dicts that `WorkflowIn` validates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from workflows.validation import WorkflowIn


class YamlFormatError(ValueError):
    """The file is not YAML, or not a top-level list of workflows."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps: dates stay text, so `2024-13-01` becomes a clear
    validation error on its field instead of a crash of the whole file."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_documents(text: str) -> list[Any]:
    """Parse the YAML text into the list of workflow mappings it holds."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise YamlFormatError(f"not valid YAML: {exc}") from None
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("workflows"), list):
        return data["workflows"]  # tolerate the `workflows:` wrapper of upstream's docs
    if not isinstance(data, list):
        raise YamlFormatError("the file must hold a top-level list of workflows")
    return data


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, _decimal_representer)


def _indicator_dict(definition_indicator: Any) -> dict[str, Any]:
    ind = definition_indicator
    out: dict[str, Any] = {"name": ind.name.value, "ut": ind.ut.value}
    if ind.value is not None:
        out["value"] = _number(ind.value)
    if ind.zone_value is not None:
        out["zone_value"] = _number(ind.zone_value)
    for key in ("x1", "x2"):
        point = getattr(ind, key)
        if point is not None:
            out[key] = {"x": point.date.isoformat(), "y": _number(point.price)}
    return out


def workflow_document(definition: WorkflowIn) -> dict[str, Any]:
    """One workflow in the original format (keys in the original order)."""
    trigger = definition.trigger
    assert trigger is not None
    doc: dict[str, Any] = {
        "name": definition.name,
        "index": definition.index,
        "cfd": definition.cfd,
        "enable": definition.enabled,
        "dry_run": definition.dry_run,
    }
    if definition.is_us:
        doc["is_us"] = True
    if definition.end_date:
        doc["end_date"] = definition.end_date.strftime("%Y/%m/%d")
    doc["conditions"] = []
    for condition in definition.conditions:
        item: dict[str, Any] = {
            "indicator": _indicator_dict(condition.indicator),
            "close": {
                "direction": condition.close.direction.value,
                "ut": condition.close.ut.value,
                "spread": _number(condition.close.spread),
            },
        }
        if condition.element:
            item["element"] = condition.element.value
        doc["conditions"].append(item)
    doc["trigger"] = {
        "ut": trigger.ut.value,
        "signal": trigger.signal.value,
        "location": trigger.location.value,
        "order_direction": trigger.order_direction.value,
        "quantity": _number(trigger.quantity),
    }
    if trigger.offset != Decimal("1"):
        doc["trigger"]["offset"] = _number(trigger.offset)
    return doc


def dump_documents(definitions: list[WorkflowIn]) -> str:
    docs = [workflow_document(d) for d in definitions]
    return yaml.dump(docs, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
