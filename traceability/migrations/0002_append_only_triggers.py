"""Make the database itself refuse to change or delete events, attachments and proofs.

PostgreSQL: a row trigger refuses UPDATE and DELETE. SQLite (development): a trigger refuses
UPDATE; DELETE stays possible there because Django's test runner empties SQLite tables with
DELETE (PostgreSQL's TRUNCATE does not fire row triggers), and the model layer refuses it anyway.
"""

from django.db import migrations

TABLES = ("traceability_event", "traceability_eventattachment", "traceability_eventproof")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION traceability_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: record a new event instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION traceability_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS traceability_append_only()")


class Migration(migrations.Migration):
    dependencies = [("traceability", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
