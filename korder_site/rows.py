"""One-row reads that every API request makes (its token with the token's user; whether the
workflow it names exists), as SQL built once per database from the models' own metadata and
run on Django's cursor, each value passed through the backend's and the field's own
converters, so the answer is the model instance the ORM would give.

Why not the ORM: it compiles the query anew on every call, and for these one-row lookups the
compiling cost more than the query (py-spy of the history API in-process, issue 17: the token
lookup 0.8 ms and the exists check 0.26 ms of a 2.2 ms request overhead; this way about 0.05 ms
each). Tested on SQLite and PostgreSQL against the ORM's answer (tests/korder_site/test_rows.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Part:
    """One model's columns in the SELECT: its fields, with their converters and columns."""

    model: type[models.Model]
    fields: list[models.Field]
    attnames: list[str]  # what Model.from_db is given
    converters: list[list[Converter]]
    columns: list[Any]  # Col expressions: what a converter reads output_field from


@dataclass(frozen=True)
class _Plan:
    sql: str
    key: models.Field  # the WHERE column's field: prepares the value
    parts: list[_Part]


def _column(model: type[models.Model], name: str) -> models.Field:
    """`model`'s field `name`, which must be a column of its own table."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _related(fk: models.Field) -> type[models.Model]:
    related = fk.related_model
    if not isinstance(related, type) or not issubclass(related, models.Model):
        raise TypeError(f"{fk} does not point to a model")
    return related


def _part(model: type[models.Model], connection: BaseDatabaseWrapper) -> _Part:
    fields = list(model._meta.concrete_fields)
    columns = [field.get_col(model._meta.db_table) for field in fields]
    converters = [[*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
                  for field, col in zip(fields, columns, strict=True)]
    return _Part(model, fields, [f.attname for f in fields], converters, columns)


class RowBy(Generic[M]):
    """`RowBy(ApiToken, "key_hash", join="user").get(value)`: the row whose `column` equals
    value (a unique column), with the row a ForeignKey `join` points to already attached, as
    `select_related` would; None when there is none."""

    def __init__(self, model: type[M], column: str, *, join: str | None = None) -> None:
        self.model, self.column, self.join = model, column, join
        self._plans: dict[str, _Plan] = {}

    def get(self, value: Any) -> M | None:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        plan = self._plans.get(alias) or self._plans.setdefault(alias, self._plan(connection))
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, [plan.key.get_db_prep_value(value, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        instances, start = [], 0
        for part in plan.parts:
            values = [self._convert(v, funcs, col, connection) for v, funcs, col in zip(
                row[start:start + len(part.fields)], part.converters, part.columns, strict=True)]
            start += len(part.fields)
            instances.append(part.model.from_db(alias, part.attnames, values))
        row_of_model: M = instances[0]  # type: ignore[assignment]
        if self.join:
            _column(self.model, self.join).set_cached_value(  # type: ignore[attr-defined]
                row_of_model, instances[1])
        return row_of_model

    @staticmethod
    def _convert(value: Any, funcs: list[Converter], col: Any,
                 connection: BaseDatabaseWrapper) -> Any:
        for func in funcs:
            value = func(value, col, connection)
        return value

    def _plan(self, connection: BaseDatabaseWrapper) -> _Plan:
        quote, meta = connection.ops.quote_name, self.model._meta
        table = quote(meta.db_table)
        parts, source = [_part(self.model, connection)], table
        if self.join:
            fk = _column(self.model, self.join)
            other = _related(fk)
            parts.append(_part(other, connection))
            joined = quote(other._meta.db_table)
            source += (f" INNER JOIN {joined} ON {joined}.{quote(str(other._meta.pk.column))} = "
                       f"{table}.{quote(str(fk.column))}")
        selected = ", ".join(f"{quote(p.model._meta.db_table)}.{quote(str(f.column))}"
                             for p in parts for f in p.fields)
        key = _column(self.model, self.column)
        where = f"{table}.{quote(str(key.column))} = %s"
        return _Plan(f"SELECT {selected} FROM {source} WHERE {where}", key, parts)


def exists(model: type[models.Model], pk: Any) -> bool:
    """Whether a row with primary key `pk` exists (one `SELECT 1 ... LIMIT 1`)."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    quote, meta = connection.ops.quote_name, model._meta
    pk_column = quote(str(meta.pk.column))
    sql = f"SELECT 1 FROM {quote(meta.db_table)} WHERE {pk_column} = %s LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone() is not None
