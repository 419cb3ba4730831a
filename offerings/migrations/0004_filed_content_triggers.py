"""PostgreSQL row triggers for the content rows added with the records of every kind of supplement.

Attachments, events and financial statements carry their supplement's id and reuse the guard of migration
0002; holder tables and changes of terms may belong to no supplement (a prospectus's table, a security's
history), which that guard allows; rows and footnotes of a holder table are guarded through their table.
"""

from django.db import migrations

PARTS = [
    "offerings_supplementattachment",
    "offerings_supplementevent",
    "offerings_financialstatement",
    "offerings_holdertable",
    "offerings_securitytermschange",
]
TABLE_PARTS = ["offerings_holderrow", "offerings_holderfootnote"]

FORWARD = (
    "".join(
        f"""
CREATE TRIGGER {table}_filed_guard
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION offerings_refuse_filed_part_change();
"""
        for table in PARTS
    )
    + """
CREATE FUNCTION offerings_refuse_filed_table_row_change() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM offerings_holdertable t JOIN offerings_supplement s ON s.id = t.supplement_id
            WHERE t.id = OLD.table_id AND s.status = 'filed'))
       OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM offerings_holdertable t JOIN offerings_supplement s ON s.id = t.supplement_id
            WHERE t.id = NEW.table_id AND s.status = 'filed')) THEN
        RAISE EXCEPTION 'The holder table of a filed supplement never changes (%).', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_filed_guard
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION offerings_refuse_filed_table_row_change();
"""
        for table in TABLE_PARTS
    )
)

BACKWARD = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_filed_guard ON {table};\n" for table in PARTS + TABLE_PARTS)
    + "DROP FUNCTION IF EXISTS offerings_refuse_filed_table_row_change();\n"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("offerings", "0003_records_for_every_kind_of_supplement")]

    operations = [migrations.RunPython(forward, backward)]
