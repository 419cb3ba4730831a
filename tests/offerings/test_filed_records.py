"""The record stays what was filed: what an approved or filed supplement states changes only by a correction.

BestNet's filed supplement of July 16, 2003 incorporates the 10-QSB for May 2003 and delivers it with the 10-KSB
for 2002; it supplements the prospectus of May 19, 2003 of Registration No. 333-105026.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.urls import path, reverse

from audit.models import LogEntry
from offerings.admin import PeriodicReportAdmin, ProspectusAdmin, RegistrationStatementAdmin
from offerings.admin_corrections import FiledRecordCorrectionMixin, StatedFieldsReadOnlyMixin
from offerings.dossier.importer import import_dossier
from offerings.dossier.schema import DossierError
from offerings.models import (
    FiledRecordError,
    PeriodicReport,
    Prospectus,
    RegistrationStatement,
    Supplement,
    SupplementEnclosure,
    SupplementIncorporation,
)
from offerings.services import supplements as supplement_services
from offerings.services.corrections import correct_filed_record
from offerings.services.records import delete_record, save_record
from tests import factories
from tests.actors import TEST_ACTOR
from tests.workflow import approve_for_test

pytestmark = pytest.mark.django_db
D = datetime.date
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the row triggers are PostgreSQL's")


def _with(mixin, model_admin):
    """``model_admin`` with ``mixin``, whether or not offerings.admin mixes it in already."""
    return model_admin if issubclass(model_admin, mixin) else type(model_admin.__name__, (mixin, model_admin), {})


# The staff site with the correction screens mixed in.
site = admin.AdminSite(name="admin")
MIXED_IN = {
    PeriodicReport: _with(FiledRecordCorrectionMixin, PeriodicReportAdmin),
    Prospectus: _with(StatedFieldsReadOnlyMixin, ProspectusAdmin),
    RegistrationStatement: _with(StatedFieldsReadOnlyMixin, RegistrationStatementAdmin),
}
for model, model_admin in admin.site._registry.items():
    site.register(model, MIXED_IN.get(model, type(model_admin)))
urlpatterns = [path("admin/", site.urls)]
with_correction_admin = pytest.mark.urls(__name__)


def quarter() -> PeriodicReport:
    return PeriodicReport.objects.get(key="quarter_2003_05")


def filed_supplement(registration) -> Supplement:
    return Supplement.objects.get(prospectus__registration_statement=registration)


REPORT_CHANGES = [
    ("form", "10-Q"),
    ("period_end", D(2003, 6, 30)),
    ("filed_on", D(2003, 7, 15)),
    ("accession_number", "0000950147-03-000999"),
    ("page_references", {"Risk Factors": 3}),
]


# -- the model refuses ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), REPORT_CHANGES)
def test_a_stated_report_field_cannot_change_and_the_refusal_names_the_supplement(bestnet, field, value):
    report = quarter()
    setattr(report, field, value)
    with pytest.raises(FiledRecordError) as caught:
        report.save()
    assert str(filed_supplement(bestnet)) in caught.value.message_dict[field][0]
    assert "correction" in caught.value.message_dict[field][0]
    with pytest.raises(ValidationError) as cleaned:  # the admin form and the importer see it on the field
        report.full_clean()
    assert field in cleaned.value.message_dict
    assert getattr(PeriodicReport.objects.get(pk=report.pk), field) != value


def test_a_report_the_supplement_only_delivers_is_stated_too(bestnet):
    annual = PeriodicReport.objects.get(key="annual_2002")
    assert not SupplementIncorporation.objects.filter(report=annual).exists()
    annual.period_end = D(2002, 9, 30)
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        save_record(actor=TEST_ACTOR, record=annual)


def test_a_stated_report_cannot_be_deleted_and_the_refusal_names_the_supplement(bestnet):
    with pytest.raises(FiledRecordError) as caught:
        delete_record(actor=TEST_ACTOR, record=quarter())
    assert str(filed_supplement(bestnet)) in str(caught.value)
    with pytest.raises(FiledRecordError):
        PeriodicReport.objects.filter(key="quarter_2003_05").delete()
    assert PeriodicReport.objects.filter(key="quarter_2003_05").exists()


def test_bulk_updates_of_stated_fields_are_refused_and_others_pass(bestnet):
    with pytest.raises(FiledRecordError):
        PeriodicReport.objects.filter(key="quarter_2003_05").update(period_end=D(2003, 6, 30))
    PeriodicReport.objects.filter(key="quarter_2003_05").update(key="q2_2003")
    assert PeriodicReport.objects.get(key="q2_2003").period_end == D(2003, 5, 31)


def test_fields_the_supplement_does_not_state_still_change(bestnet):
    report = quarter()
    report.key = "quarter_may_2003"
    save_record(actor=TEST_ACTOR, record=report)
    registration = RegistrationStatement.objects.get(pk=bestnet.pk)
    registration.forward_incorporation = True
    save_record(actor=TEST_ACTOR, record=registration)
    assert RegistrationStatement.objects.get(pk=bestnet.pk).forward_incorporation is True


def test_a_first_copy_of_a_stated_report_may_be_uploaded_but_never_replaced(bestnet):
    report = quarter()
    report.document.save("q.txt", ContentFile(b"Quarterly report\n"), save=False)
    report.save(update_fields=["document"])
    report.document.save("other.txt", ContentFile(b"Another report\n"), save=False)
    with pytest.raises(FiledRecordError, match="Document is stated by"):
        report.save(update_fields=["document"])
    assert PeriodicReport.objects.get(pk=report.pk).document.name.endswith("q.txt")


@pytest.mark.parametrize(
    ("field", "value"),
    [("dated_on", D(2003, 5, 20)), ("page_references", {"Risk Factors": 8}), ("information_as_of", D(2003, 3, 15))],
)
def test_the_prospectus_a_filed_supplement_supplements_keeps_what_it_states(bestnet, field, value):
    prospectus = bestnet.prospectuses.get()
    setattr(prospectus, field, value)
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        save_record(actor=TEST_ACTOR, record=prospectus)
    with pytest.raises(FiledRecordError, match="cannot be deleted"):
        bestnet.prospectuses.get().delete()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("file_number", "333-105027"),
        ("form", "SB-2"),
        ("filed_on", D(2003, 5, 7)),
        ("effective_on", D(2003, 5, 19)),
        ("last_amended_on", D(2003, 5, 15)),
    ],
)
def test_the_registration_keeps_the_facts_its_supplements_state(bestnet, field, value):
    registration = RegistrationStatement.objects.get(pk=bestnet.pk)
    setattr(registration, field, value)
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        save_record(actor=TEST_ACTOR, record=registration)
    with pytest.raises(FiledRecordError, match="cannot be deleted"):
        RegistrationStatement.objects.get(pk=bestnet.pk).delete()


def test_an_earlier_registration_a_combined_prospectus_covers_is_stated_by_its_supplements():
    earlier = factories.RegistrationStatementFactory()
    supplement = factories.SupplementFactory()
    supplement.prospectus.also_covers.add(earlier)
    approve_for_test(supplement)
    earlier.effective_on = D(2019, 1, 2)
    with pytest.raises(FiledRecordError):
        earlier.save()


def test_an_approved_supplement_protects_until_it_returns_to_draft():
    supplement = factories.SupplementFactory()
    report = factories.PeriodicReportFactory(issuer=supplement.prospectus.registration_statement.issuer)
    SupplementEnclosure.objects.create(supplement=supplement, report=report)
    report.accession_number = "0001234567-20-777777"
    report.save()  # a draft states nothing yet
    approve_for_test(supplement)
    report.accession_number = "0001234567-20-888888"
    with pytest.raises(FiledRecordError, match="approved"):
        report.save()
    supplement_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=supplement)
    report.save()
    assert PeriodicReport.objects.get(pk=report.pk).accession_number == "0001234567-20-888888"


def test_an_import_update_cannot_rewrite_a_stated_fact(bestnet, bestnet_data):
    bestnet_data["registration_statement"]["filed_on"] = "2003-05-07"
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=bestnet_data, update=True)
    [problem] = caught.value.problems
    assert problem.path == "$.registration_statement.filed_on"
    assert "July 16, 2003" in problem.message
    assert RegistrationStatement.objects.get(pk=bestnet.pk).filed_on == D(2003, 5, 6)


# -- the correction ------------------------------------------------------------------------------------
def corrected_entries(record) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(record).filter(event="corrected"))


def test_a_correction_changes_the_stated_fields_and_records_before_after_and_reason(bestnet):
    report = quarter()
    correction = correct_filed_record(
        actor=TEST_ACTOR,
        record=report,
        changes={"filed_on": D(2003, 7, 15), "page_references": {"Financial Statements": 3}},
        reason="  The 10-QSB was filed on July 15, 2003;\n the dossier left it blank. ",
    )
    report.refresh_from_db()
    assert report.filed_on == D(2003, 7, 15)
    assert report.page_references == {"Financial Statements": 3}
    assert correction.before == {"filed_on": None, "page_references": {}}
    assert correction.after == {"filed_on": "2003-07-15", "page_references": {"Financial Statements": 3}}
    [entry] = corrected_entries(report)
    assert entry.additional_data["reason"] == "The 10-QSB was filed on July 15, 2003; the dossier left it blank."
    assert entry.additional_data["before"] == {"filed_on": None, "page_references": {}}
    assert entry.additional_data["after"]["filed_on"] == "2003-07-15"
    assert entry.additional_data["stated_by"][0]["supplement"] == filed_supplement(bestnet).pk
    report.filed_on = D(2003, 7, 14)
    with pytest.raises(FiledRecordError):  # the correction let only its own write through
        report.save()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_correction_needs_a_reason(bestnet, reason):
    with pytest.raises(ValidationError) as caught:
        correct_filed_record(actor=TEST_ACTOR, record=quarter(), changes={"filed_on": D(2003, 7, 15)}, reason=reason)
    assert "reason" in caught.value.message_dict
    assert quarter().filed_on is None
    assert corrected_entries(quarter()) == []


def test_a_correction_changes_only_stated_fields_and_must_change_something(bestnet):
    with pytest.raises(ValidationError) as caught:
        correct_filed_record(actor=TEST_ACTOR, record=quarter(), changes={"key": "q"}, reason="typo")
    assert "key" in caught.value.message_dict
    with pytest.raises(ValidationError, match="Nothing to correct"):
        correct_filed_record(actor=TEST_ACTOR, record=quarter(), changes={"form": "10-QSB"}, reason="check")


def test_a_correction_is_validated_as_a_whole(bestnet):
    with pytest.raises(ValidationError) as caught:
        correct_filed_record(
            actor=TEST_ACTOR, record=quarter(), changes={"filed_on": D(2003, 5, 1)}, reason="before period end"
        )
    assert "filed_on" in caught.value.message_dict
    assert quarter().filed_on is None


def test_a_correction_needs_the_change_permission(bestnet):
    clerk = User.objects.create_user("clerk", password="not-used-here-9341")
    with pytest.raises(PermissionDenied):
        correct_filed_record(actor=clerk, record=quarter(), changes={"filed_on": D(2003, 7, 15)}, reason="x")
    clerk.user_permissions.add(Permission.objects.get(codename="change_periodicreport"))
    clerk = User.objects.get(pk=clerk.pk)
    correct_filed_record(actor=clerk, record=quarter(), changes={"filed_on": D(2003, 7, 15)}, reason="x")
    assert quarter().filed_on == D(2003, 7, 15)


def test_a_correction_never_changes_the_frozen_renditions(bestnet):
    from documents.models import SupplementRendition
    from documents.services import ensure_frozen

    supplement = filed_supplement(bestnet)
    ensure_frozen(actor=TEST_ACTOR, supplement=supplement)
    frozen = {r.format: (r.sha256, r.file.name, r.file.read()) for r in SupplementRendition.objects.all()}
    assert frozen
    correct_filed_record(
        actor=TEST_ACTOR, record=quarter(), changes={"period_end": D(2003, 5, 30)}, reason="test correction"
    )
    registration = RegistrationStatement.objects.get(pk=bestnet.pk)
    correct_filed_record(
        actor=TEST_ACTOR, record=registration, changes={"effective_on": D(2003, 5, 19)}, reason="SEC order date"
    )
    after = {r.format: (r.sha256, r.file.name, r.file.read()) for r in SupplementRendition.objects.all()}
    assert after == frozen


def test_a_corrected_document_is_stored_beside_the_old_one(bestnet):
    report = quarter()
    report.document.save("q.txt", ContentFile(b"Quarterly report, first copy\n"), save=True)
    old = report.document.name
    correct_filed_record(
        actor=TEST_ACTOR,
        record=report,
        changes={"document": ContentFile(b"Quarterly report as filed\n", name="q.txt")},
        reason="The first upload was a draft.",
    )
    report.refresh_from_db()
    assert report.document.name != old
    assert report.document.storage.exists(old)
    assert report.document.read() == b"Quarterly report as filed\n"
    assert corrected_entries(report)[0].additional_data["before"] == {"document": old}


def test_prospectus_and_registration_are_corrected_the_same_way(bestnet):
    prospectus = bestnet.prospectuses.get()
    correct_filed_record(
        actor=TEST_ACTOR, record=prospectus, changes={"information_as_of": D(2003, 3, 15)}, reason="counsel's date"
    )
    assert Prospectus.objects.get(pk=prospectus.pk).information_as_of == D(2003, 3, 15)
    assert corrected_entries(prospectus)[0].additional_data["after"] == {"information_as_of": "2003-03-15"}


# -- PostgreSQL: the triggers ---------------------------------------------------------------------------
def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgres_only
@pytest.mark.parametrize(
    ("table", "column", "value", "record"),
    [
        ("offerings_periodicreport", "period_end", "2003-06-30", "report"),
        ("offerings_periodicreport", "accession_number", "0000950147-03-000999", "report"),
        ("offerings_periodicreport", "page_references", '{"A": 1}', "report"),
        ("offerings_prospectus", "dated_on", "2003-05-20", "prospectus"),
        ("offerings_prospectus", "information_as_of", "2003-03-15", "prospectus"),
        ("offerings_registrationstatement", "effective_on", "2003-05-19", "registration"),
        ("offerings_registrationstatement", "file_number", "333-105027", "registration"),
    ],
)
def test_the_database_refuses_raw_updates_and_deletes_of_stated_records(bestnet, table, column, value, record):
    pk = {"report": quarter().pk, "prospectus": bestnet.prospectuses.get().pk, "registration": bestnet.pk}[record]
    cast = "::jsonb" if column == "page_references" else ""
    with pytest.raises(DatabaseError, match="approved or filed"), transaction.atomic():
        _raw(f"UPDATE {table} SET {column} = %s{cast} WHERE id = %s", [value, pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        _raw(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608


@postgres_only
def test_the_database_allows_other_columns_a_first_copy_and_a_correction(bestnet):
    pk = quarter().pk
    _raw("UPDATE offerings_periodicreport SET key = 'q2' WHERE id = %s", [pk])
    _raw("UPDATE offerings_periodicreport SET document = 'reports/q.txt' WHERE id = %s", [pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE offerings_periodicreport SET document = 'reports/other.txt' WHERE id = %s", [pk])
    with transaction.atomic():
        _raw("SELECT set_config('portal.correction', 'on', true)", [])
        _raw("UPDATE offerings_periodicreport SET period_end = '2003-05-30' WHERE id = %s", [pk])
        _raw("SELECT set_config('portal.correction', 'off', true)", [])
    assert PeriodicReport.objects.get(pk=pk).period_end == D(2003, 5, 30)


@postgres_only
def test_after_a_correction_the_database_refuses_again_in_the_same_transaction(bestnet):
    correct_filed_record(actor=TEST_ACTOR, record=quarter(), changes={"filed_on": D(2003, 7, 15)}, reason="date")
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE offerings_periodicreport SET filed_on = '2003-07-16' WHERE id = %s", [quarter().pk])
    with pytest.raises(ValidationError), transaction.atomic():  # a refused correction leaves the setting off too
        correct_filed_record(actor=TEST_ACTOR, record=quarter(), changes={"filed_on": D(2003, 5, 1)}, reason="bad")
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE offerings_periodicreport SET filed_on = '2003-07-16' WHERE id = %s", [quarter().pk])


# -- the admin -----------------------------------------------------------------------------------------
@with_correction_admin
def test_the_stated_fields_are_read_only_on_the_report_page_and_it_offers_no_delete(bestnet, admin_client):
    report = quarter()
    page = admin_client.get(reverse("admin:offerings_periodicreport_change", args=[report.pk]))
    assert page.status_code == 200
    form_fields = set(page.context["adminform"].form.fields)
    assert {"form", "period_end", "filed_on", "accession_number", "page_references"}.isdisjoint(form_fields)
    assert "document" in form_fields  # no copy stored yet: the first one may be uploaded
    assert "key" in form_fields
    assert not page.context["has_delete_permission"]
    draft_only = factories.PeriodicReportFactory(issuer=report.issuer)
    page = admin_client.get(reverse("admin:offerings_periodicreport_change", args=[draft_only.pk]))
    assert "period_end" in page.context["adminform"].form.fields


@with_correction_admin
def test_the_prospectus_and_registration_pages_show_stated_fields_read_only(bestnet, admin_client):
    page = admin_client.get(reverse("admin:offerings_prospectus_change", args=[bestnet.prospectuses.get().pk]))
    assert "dated_on" not in page.context["adminform"].form.fields
    page = admin_client.get(reverse("admin:offerings_registrationstatement_change", args=[bestnet.pk]))
    assert "effective_on" not in page.context["adminform"].form.fields
    assert "stated_proceeds_if_exercised" in page.context["adminform"].form.fields


@with_correction_admin
def test_staff_correct_a_filed_record_through_the_action_and_its_form(bestnet, admin_client):
    report = quarter()
    changelist = reverse("admin:offerings_periodicreport_changelist")
    response = admin_client.post(changelist, {"action": "correct_filed_record", "_selected_action": [report.pk]})
    url = reverse("admin:offerings_periodicreport_correct", args=[report.pk])
    assert response.status_code == 302 and response["Location"] == url
    page = admin_client.get(url)
    assert str(filed_supplement(bestnet)) in page.content.decode()
    assert page.context["form"].initial["accession_number"] == "0000950147-03-000824"
    data = {
        "form": "10-QSB",
        "period_end": "2003-05-31",
        "filed_on": "2003-07-15",
        "accession_number": "0000950147-03-000824",
        "page_references": "",  # one "title: page" line per section; none on record
    }
    refused = admin_client.post(url, {**data, "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert quarter().filed_on is None
    done = admin_client.post(url, {**data, "reason": "EDGAR shows the filing on July 15, 2003."})
    assert done.status_code == 302
    assert quarter().filed_on == D(2003, 7, 15)
    [entry] = corrected_entries(quarter())
    assert entry.additional_data["before"] == {"filed_on": None}
    assert entry.actor_name == "admin"
