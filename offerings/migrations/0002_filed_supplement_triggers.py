"""PostgreSQL row triggers: a filed supplement and its content rows refuse UPDATE and DELETE in the database.

The application already refuses (model, queryset, services, admin); the triggers make it hold for raw SQL
and for any future code path too. TRUNCATE (test flushes) is a table operation and is not affected.
SQLite, the embedded single-user default, relies on the application checks.
"""

from django.db import migrations

PARTS = ["offerings_supplementincorporation", "offerings_supplementenclosure", "offerings_supplementsection"]

FORWARD = """
CREATE FUNCTION offerings_refuse_filed_supplement_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'filed' THEN
        RAISE EXCEPTION 'Supplement % is filed; a filed supplement is never edited or deleted.', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER offerings_supplement_filed_guard
    BEFORE UPDATE OR DELETE ON offerings_supplement
    FOR EACH ROW EXECUTE FUNCTION offerings_refuse_filed_supplement_change();

CREATE FUNCTION offerings_refuse_filed_part_change() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM offerings_supplement WHERE id = OLD.supplement_id AND status = 'filed'))
       OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM offerings_supplement WHERE id = NEW.supplement_id AND status = 'filed')) THEN
        RAISE EXCEPTION 'The content of a filed supplement never changes (%).', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_filed_guard
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION offerings_refuse_filed_part_change();
"""
    for table in PARTS
)

BACKWARD = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_filed_guard ON {table};\n" for table in PARTS)
    + """
DROP FUNCTION IF EXISTS offerings_refuse_filed_part_change();
DROP TRIGGER IF EXISTS offerings_supplement_filed_guard ON offerings_supplement;
DROP FUNCTION IF EXISTS offerings_refuse_filed_supplement_change();
"""
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("offerings", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
