"""Rows written in one hand-built INSERT, or read and locked in one hand-built SELECT, from the
model's meta: for the statements a hot path runs every time (a paying IPN locks its attempt
and order and writes four rows), where compiling the ORM's statement costs more than
PostgreSQL's work, and for the INSERTs the ORM cannot say (``ON CONFLICT``).

The values are what ``save()`` would write: each concrete field's ``pre_save`` (``auto_now``
and ``auto_now_add`` included) prepared for the database; the names come from the model's meta
and the values go as parameters. ``save()``'s signals are not sent: use it for models nothing
listens to (tested in tests/shop/test_db_rows.py).
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from django.db import connections, router
from django.db.models import Model
from django.db.transaction import TransactionManagementError


def rows_insert_sql(rows: Sequence[Model], *, using: str, suffix: str = "") -> tuple[str, list]:
    """``INSERT INTO table (columns) VALUES (...), ...`` for `rows` (of one model, all but the
    automatic primary key), then `suffix` (``ON CONFLICT ...``, ``RETURNING ...``), and its
    parameters."""
    meta = type(rows[0])._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in fields
    ]
    row = f"({', '.join(['%s'] * len(fields))})"
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (  # names from the model's meta; the values go as parameters
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(rows))} {suffix}"
    )
    return sql.rstrip(), values


def rows_insert(*rows: Model, using: str | None = None) -> None:
    """Insert `rows` (of one model) in one statement, as ``save()`` would create them: each
    gets its primary key and is then a saved row."""
    if not rows:
        return
    model = type(rows[0])
    using = using or router.db_for_write(model)
    pk = connections[using].ops.quote_name(model._meta.pk.column)
    sql, values = rows_insert_sql(rows, using=using, suffix=f"RETURNING {pk}")
    with connections[using].cursor() as cursor:
        cursor.execute(sql, values)
        keys = [key for (key,) in cursor.fetchall()]
    for row, key in zip(rows, keys, strict=True):
        row.pk = key
        row._state.adding, row._state.db = False, using


def rows_locked(
    model: type[Model],
    *,
    where: dict[str, object],
    fields: Sequence[str],
    join: str | None = None,
    join_fields: Sequence[str] = (),
    using: str | None = None,
) -> list[Model]:
    """The rows of `model` whose fields equal `where`, in primary key order, locked as
    ``select_for_update()`` locks them, each with only `fields` loaded (the others deferred,
    read if used), as ``.only()`` loads them. With `join` (a foreign key), the row it points
    to is read and locked in the same statement (``FOR UPDATE OF`` both), with only
    `join_fields`, and set on each row as ``select_related`` sets it.

    The statement is built once per shape and process; only the values change. Values come
    back as the ORM returns them (the backend's and the fields' converters applied). Within
    the caller's transaction, as ``select_for_update()`` must be."""
    using = using or router.db_for_write(model)
    connection = connections[using]
    if connection.get_autocommit():  # as the ORM refuses select_for_update()
        raise TransactionManagementError("rows_locked() cannot be used outside of a transaction.")
    shape = _locked_shape(model, tuple(where), tuple(fields), join, tuple(join_fields), using)
    params = [
        model._meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in where.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(shape.sql, params)
        found = cursor.fetchall()
    rows, split = [], len(shape.names)
    for record in found:
        if shape.converters:
            record = list(record)
            for index, col, converters in shape.converters:
                for converter in converters:
                    record[index] = converter(record[index], col, connection)
        row = model.from_db(using, shape.names, record[:split])
        if join is not None:
            setattr(row, join, shape.join_model.from_db(using, shape.join_names, record[split:]))
        rows.append(row)
    return rows


class _Shape(NamedTuple):
    sql: str
    names: list[str]  # the attnames of the model's columns read, in order
    join_model: type[Model] | None
    join_names: list[str]  # then the joined model's
    converters: list[tuple]  # (column index, column, converters) where a value needs some


@lru_cache(maxsize=64)
def _locked_shape(model, where, fields, join, join_fields, using) -> _Shape:
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta

    def loaded(of, names):  # the primary key first, as the ORM always loads it
        chosen = [of.pk] + [of.get_field(name) for name in names]
        return list(dict.fromkeys(field for field in chosen if field.concrete))

    own = loaded(meta, fields)
    cols = [field.get_col("t") for field in own]
    source, locked, join_model, join_names = f"{quote(meta.db_table)} t", ["t"], None, []
    if join is not None:
        key = meta.get_field(join)
        join_model = key.related_model
        related = loaded(join_model._meta, join_fields)
        cols += [field.get_col("r") for field in related]
        source += (
            f" JOIN {quote(join_model._meta.db_table)} r"
            f" ON r.{quote(key.target_field.column)} = t.{quote(key.column)}"
        )
        locked, join_names = ["t", "r"], [field.attname for field in related]
    converters = []
    for index, col in enumerate(cols):
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, col, found))
    conditions = " AND ".join(f"t.{quote(meta.get_field(name).column)} = %s" for name in where)
    lock = ""
    if connection.features.has_select_for_update:  # SQLite has no row locks (as the ORM does)
        of = connection.features.has_select_for_update_of and join is not None
        lock = f" FOR UPDATE OF {', '.join(locked)}" if of else " FOR UPDATE"
    columns = ", ".join(f"{col.alias}.{quote(col.target.column)}" for col in cols)
    sql = (  # names from the models' meta; the values go as parameters
        f"SELECT {columns} FROM {source} WHERE {conditions} "  # noqa: S608
        f"ORDER BY t.{quote(meta.pk.column)}{lock}"
    )
    return _Shape(sql, [field.attname for field in own], join_model, join_names, converters)
