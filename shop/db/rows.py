"""Rows written in one hand-built INSERT, from the model's meta: for the statements a hot path
runs every time (a paying IPN writes four rows), where compiling the ORM's INSERT costs more
than PostgreSQL's work, and for the INSERTs the ORM cannot say (``ON CONFLICT``).

The values are what ``save()`` would write: each concrete field's ``pre_save`` (``auto_now``
and ``auto_now_add`` included) prepared for the database; the names come from the model's meta
and the values go as parameters. ``save()``'s signals are not sent: use it for models nothing
listens to (tested in tests/shop/test_db_rows.py).
"""

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


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
