"""The original YAML format <-> plain dicts that `WorkflowIn` validates.

Reading is defensive (SPEC §13): a file over 1 MB, non-UTF-8 bytes, an anchor or alias (a
"billion laughs" expands a few hundred bytes into gigabytes), a duplicate key or nesting deeper
than any workflow needs is refused with one clear line, before anything is written. Only plain
YAML types are ever built (a SafeLoader subclass).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from workflows.validation import WorkflowIn

MAX_YAML_BYTES = 1024 * 1024
MAX_DEPTH = 12  # list > workflow > conditions > condition > indicator > x1 > value is 7


class YamlFormatError(ValueError):
    """The file is not acceptable YAML, or not a top-level list of workflows."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (dates stay text, so `2024-13-01` becomes a clear
    validation error on its field), and without anchors, aliases, duplicate keys or deep
    nesting."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise YamlFormatError(f"aliases (*{event.anchor}) are not allowed{_at(event)}")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlFormatError(f"anchors (&{anchor}) are not allowed{_at(event)}")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlFormatError(f"nested deeper than {MAX_DEPTH} levels{_at(event)}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 - PyYAML's name
        # `[[[[...` is refused while scanning, before the parser stacks up a state per level.
        if self.flow_level >= MAX_DEPTH:
            raise YamlFormatError(f"nested deeper than {MAX_DEPTH} levels{_at_mark(self)}")
        super().fetch_flow_collection_start(TokenClass)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise YamlFormatError(f"a mapping key must be plain text{_at(key_node)}")
            if key in seen:
                raise YamlFormatError(f"duplicate key {key!r}{_at(key_node)}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _at_mark(scanner: Any) -> str:
    mark = scanner.get_mark()
    return f" (line {mark.line + 1}, column {mark.column + 1})"


def _at(mark_holder: Any) -> str:
    mark = getattr(mark_holder, "start_mark", None)
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Merge keys (`<<`) only make sense with aliases; without them they are just a strange key.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:merge"]
    for key, resolvers in _Loader.yaml_implicit_resolvers.items()
}


def decode(data: bytes) -> str:
    """UTF-8 text of a YAML file's bytes, refusing oversized or non-UTF-8 input."""
    if len(data) > MAX_YAML_BYTES:
        raise YamlFormatError(
            f"file too large ({len(data):,} bytes; the limit is {MAX_YAML_BYTES:,})"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        raise YamlFormatError(f"not UTF-8 text (byte {exc.start} is {bad!r})") from None


def read_documents(path: Path) -> list[Any]:
    """The workflow mappings of a YAML file; the size is checked before reading it."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise YamlFormatError(f"file too large ({size:,} bytes; the limit is {MAX_YAML_BYTES:,})")
    with path.open("rb") as handle:
        return load_documents(decode(handle.read(MAX_YAML_BYTES + 1)))


def load_documents(text: str) -> list[Any]:
    """Parse the YAML text into the list of workflow mappings it holds."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise YamlFormatError(f"text too large (the limit is {MAX_YAML_BYTES:,} bytes)")
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except YamlFormatError:
        raise
    except yaml.YAMLError as exc:
        raise YamlFormatError(f"not valid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise YamlFormatError(f"nested deeper than {MAX_DEPTH} levels") from None
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("workflows"), list):
        return data["workflows"]  # tolerate the `workflows:` wrapper of upstream's docs
    if not isinstance(data, list):
        raise YamlFormatError("the file must hold a top-level list of workflows")
    return data


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())


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
