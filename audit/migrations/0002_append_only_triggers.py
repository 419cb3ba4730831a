"""PostgreSQL row triggers: audit entries refuse UPDATE and DELETE in the database, whatever code or SQL asks.

The model and its querysets refuse too; the triggers make it hold for raw SQL. TRUNCATE is a table operation
and is not affected (test flushes use it). SQLite, the embedded default, relies on the application and on the
hash chain, which ``verify_audit_log`` checks.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION audit_refuse_entry_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit entry % is append-only: % refused.', OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_logentry_append_only
    BEFORE UPDATE OR DELETE ON audit_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_entry_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_logentry_append_only ON audit_logentry;
DROP FUNCTION IF EXISTS audit_refuse_entry_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
