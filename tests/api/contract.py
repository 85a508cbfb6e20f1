"""Validate real API responses against the order-history contract
(reference/workflow-orders-api.yaml), loaded at run time from ../shared, never copied here."""

from __future__ import annotations

import copy
import uuid
from functools import lru_cache
from typing import Any

import jsonschema
import yaml

from tests.shared import shared_file


@lru_cache(maxsize=1)
def _components() -> dict[str, Any]:
    with shared_file("reference", "workflow-orders-api.yaml").open(encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    return _json_schema(document["components"])


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema draft 4: `nullable: true` becomes a `null` type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


_FORMATS = copy.deepcopy(jsonschema.Draft4Validator.FORMAT_CHECKER)


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


def assert_matches(schema_name: str, instance: Any) -> None:
    """Raise jsonschema.ValidationError unless `instance` fits components/schemas/<name>."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": _components()}
    jsonschema.Draft4Validator(schema, format_checker=_FORMATS).validate(instance)
