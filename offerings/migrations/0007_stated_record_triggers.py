"""PostgreSQL row triggers: what an approved or filed supplement states stays as filed in the database too.

The periodic report a supplement incorporates, attaches or delivers keeps its form, period end, filing date,
accession number, page references and document (a first copy may still be uploaded while none is stored); the
prospectus it supplements keeps its date, page references and information date; the registration on its cover
(its own, or one a Rule 429 combined prospectus also covers) keeps its file number, form and dates. None of them
can be deleted. The models refuse the same (``offerings.models.StatedRecord``); the triggers make it hold for raw
SQL too. A correction (``offerings.services.corrections``) sets ``portal.correction`` to 'on' for its own write,
transaction-locally; the triggers let a stated field change only then, and never let a stated record be deleted.
"""

from django.db import migrations

FROZEN = "('approved', 'filed')"

STATING = {
    "offerings_periodicreport": f"""
        SELECT s.id FROM offerings_supplement s
        WHERE s.status IN {FROZEN} AND (
            EXISTS (SELECT 1 FROM offerings_supplementincorporation x WHERE x.supplement_id = s.id AND x.report_id = $1)
            OR EXISTS (SELECT 1 FROM offerings_supplementenclosure x WHERE x.supplement_id = s.id AND x.report_id = $1)
            OR EXISTS (SELECT 1 FROM offerings_supplementattachment x WHERE x.supplement_id = s.id AND x.report_id = $1))
        ORDER BY s.dated_on, s.id LIMIT 1""",
    "offerings_prospectus": f"""
        SELECT s.id FROM offerings_supplement s
        WHERE s.status IN {FROZEN} AND s.prospectus_id = $1
        ORDER BY s.dated_on, s.id LIMIT 1""",
    "offerings_registrationstatement": f"""
        SELECT s.id FROM offerings_supplement s JOIN offerings_prospectus p ON p.id = s.prospectus_id
        WHERE s.status IN {FROZEN} AND (
            p.registration_statement_id = $1
            OR EXISTS (SELECT 1 FROM offerings_prospectus_also_covers c
                       WHERE c.prospectus_id = p.id AND c.registrationstatement_id = $1))
        ORDER BY s.dated_on, s.id LIMIT 1""",
}

# The stated columns, and how a change of them is detected (a report's first copy is not a change).
CHANGED = {
    "offerings_periodicreport": """
        NEW.form IS DISTINCT FROM OLD.form OR NEW.period_end IS DISTINCT FROM OLD.period_end
        OR NEW.filed_on IS DISTINCT FROM OLD.filed_on OR NEW.accession_number IS DISTINCT FROM OLD.accession_number
        OR NEW.page_references IS DISTINCT FROM OLD.page_references
        OR (OLD.document <> '' AND NEW.document IS DISTINCT FROM OLD.document)""",
    "offerings_prospectus": """
        NEW.dated_on IS DISTINCT FROM OLD.dated_on OR NEW.page_references IS DISTINCT FROM OLD.page_references
        OR NEW.information_as_of IS DISTINCT FROM OLD.information_as_of""",
    "offerings_registrationstatement": """
        NEW.file_number IS DISTINCT FROM OLD.file_number OR NEW.form IS DISTINCT FROM OLD.form
        OR NEW.filed_on IS DISTINCT FROM OLD.filed_on OR NEW.effective_on IS DISTINCT FROM OLD.effective_on
        OR NEW.last_amended_on IS DISTINCT FROM OLD.last_amended_on""",
}


def _forward(table: str) -> str:
    return f"""
CREATE FUNCTION {table}_stating_supplement(record_id bigint) RETURNS bigint AS $$
    {STATING[table]}
$$ LANGUAGE sql STABLE;

CREATE FUNCTION {table}_refuse_stated_change() RETURNS trigger AS $$
DECLARE
    stating bigint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT ({CHANGED[table]}) OR current_setting('portal.correction', true) = 'on' THEN
            RETURN NEW;
        END IF;
    END IF;
    stating := {table}_stating_supplement(OLD.id);
    IF stating IS NOT NULL THEN
        RAISE EXCEPTION '% % is stated by supplement %, which is approved or filed: it is never deleted, and its '
            'stated facts change only by a correction with a reason.', TG_TABLE_NAME, OLD.id, stating
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_stated_guard
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_stated_change();
"""


def _backward(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_stated_guard ON {table};
DROP FUNCTION IF EXISTS {table}_refuse_stated_change();
DROP FUNCTION IF EXISTS {table}_stating_supplement(bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("".join(_forward(table) for table in STATING), params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("".join(_backward(table) for table in STATING), params=None)


class Migration(migrations.Migration):
    dependencies = [("offerings", "0006_supplement_changed_by")]

    operations = [migrations.RunPython(forward, backward)]
