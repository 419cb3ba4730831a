"""Validation names the field; database constraints hold invariants; filed supplements are never lost."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from offerings import signals
from offerings.models import (
    FiledRecordError,
    PeriodicReport,
    RegistrationStatement,
    Security,
    Supplement,
    SupplementIncorporation,
    SupplementStatus,
)
from offerings.services import reports as report_services
from offerings.services import supplements as services
from offerings.signals import SignalActionError
from tests import factories
from tests.actors import TEST_ACTOR
from tests.workflow import approve_for_test

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "field", "value", "fragment"),
    [
        (factories.RegistrationStatementFactory, "file_number", "333-10", "333-105026"),
        (factories.RegistrationStatementFactory, "file_number", "33-105026", "333-105026"),
        (factories.PeriodicReportFactory, "accession_number", "0000950147-3-000824", "accession number"),
        (factories.IssuerFactory, "cik", "CIK799694", "CIK"),
        (factories.IssuerFactory, "fiscal_year_end", "02-29", "MM-DD"),
        (factories.IssuerFactory, "exchange_act_file_number", "15482", "0-15482"),
        (factories.OfferingFactory, "closed_in", "2003-13", "YYYY-MM"),
        (factories.ProspectusFactory, "page_references", {"Risk Factors": 0}, "Risk Factors"),
        (factories.ProspectusFactory, "page_references", {"Risk Factors": "seven"}, "whole number"),
        (factories.SellingStockholderFactory, "percent_after", Decimal("100.5"), "100"),
        (factories.SecurityFactory, "par_value", Decimal("-0.01"), "greater than or equal to 0"),
    ],
)
def test_invalid_value_is_reported_on_its_field(factory, field, value, fragment):
    record = factory.build(**{field: value})
    for name in ("issuer", "registration_statement", "prospectus"):
        related = getattr(record, name, None)
        if related is not None and related.pk is None:
            for parent in ("issuer", "registration_statement"):
                grand = getattr(related, parent, None)
                if grand is not None and grand.pk is None:
                    grand.save()
                    setattr(related, parent, grand)
            related.save()
            setattr(record, name, related)
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])


def test_share_counts_cannot_be_negative_in_the_database():
    security = factories.SecurityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Security.objects.filter(pk=security.pk).update(authorized=-1)


def test_file_number_is_unique():
    factories.RegistrationStatementFactory(file_number="333-105026")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RegistrationStatementFactory(file_number="333-105026")


def test_supplement_number_is_unique_per_prospectus():
    first = factories.SupplementFactory(number=1)
    factories.SupplementFactory(number=1)  # another prospectus: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SupplementFactory(number=1, prospectus=first.prospectus)


def test_converting_security_needs_both_the_underlying_and_the_ratio():
    warrant = factories.WarrantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Security.objects.filter(pk=warrant.pk).update(shares_per_security=None)


def test_a_filed_supplement_refuses_edit_and_delete_everywhere(bestnet):
    filed = Supplement.objects.get(status=SupplementStatus.FILED)
    filed.summary = "changed"
    with pytest.raises(FiledRecordError):
        filed.save()
    with pytest.raises(FiledRecordError):
        filed.delete()
    with pytest.raises(FiledRecordError):
        Supplement.objects.filter(pk=filed.pk).update(summary="changed")
    with pytest.raises(FiledRecordError):
        Supplement.objects.all().delete()
    with pytest.raises(FiledRecordError):
        services.update_supplement(actor=TEST_ACTOR, supplement=filed, summary="changed")
    with pytest.raises(FiledRecordError):
        services.delete_supplement(actor=TEST_ACTOR, supplement=filed)
    with pytest.raises(FiledRecordError):
        services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=filed)
    with pytest.raises(FiledRecordError):
        filed.incorporations.first().delete()
    with pytest.raises(FiledRecordError):
        SupplementIncorporation(supplement=filed, report=PeriodicReport.objects.get(key="annual_2002")).save()
    assert Supplement.objects.get(pk=filed.pk).summary.startswith("Updates the list")


def test_reports_prospectus_and_registration_of_a_filed_supplement_cannot_be_deleted(bestnet):
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        PeriodicReport.objects.get(key="quarter_2003_05").delete()
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        bestnet.prospectuses.get().delete()
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        RegistrationStatement.objects.get(pk=bestnet.pk).delete()
    with pytest.raises(ProtectedError):
        bestnet.issuer.delete()


def test_workflow_goes_draft_review_approved_filed():
    supplement = factories.SupplementFactory()
    supplement = services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=supplement)
    assert supplement.status == SupplementStatus.REVIEW
    supplement = approve_for_test(supplement)
    assert supplement.status == SupplementStatus.APPROVED
    with pytest.raises(FiledRecordError):
        services.update_supplement(actor=TEST_ACTOR, supplement=supplement, summary="late change")
    supplement = services.file_supplement(
        actor=TEST_ACTOR,
        supplement=supplement,
        filed_on=datetime.date(2020, 8, 13),
        accession_number="0001234567-20-999999",
    )
    assert supplement.status == SupplementStatus.FILED


def test_a_draft_cannot_be_filed_without_approval():
    supplement = factories.SupplementFactory()
    with pytest.raises(ValidationError) as caught:
        services.file_supplement(
            actor=TEST_ACTOR,
            supplement=supplement,
            filed_on=datetime.date(2020, 8, 13),
            accession_number="0001234567-20-999999",
        )
    assert "cannot go from draft to filed" in str(caught.value)
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.DRAFT


def test_a_failing_approval_receiver_leaves_the_supplement_as_it_was():
    supplement = factories.SupplementFactory()

    def broken(sender, **kwargs):
        raise SignalActionError("render failed")

    signals.supplement_approved.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(SignalActionError):
            approve_for_test(supplement)
    finally:
        signals.supplement_approved.disconnect(dispatch_uid="test-broken")
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.REVIEW  # as it was: in review


def test_recording_a_report_drafts_a_supplement_for_each_registration_without_forward_incorporation(bestnet):
    forward = factories.RegistrationStatementFactory(issuer=bestnet.issuer, forward_incorporation=True)
    factories.ProspectusFactory(registration_statement=forward, dated_on=datetime.date(2003, 6, 1))
    report = report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=bestnet.issuer,
            form="10-KSB",
            period_end=datetime.date(2003, 8, 31),
            filed_on=datetime.date(2003, 11, 26),
            accession_number="0000950147-03-001400",
        ),
    ).report
    [draft] = Supplement.objects.filter(incorporations__report=report)
    assert draft.prospectus.registration_statement == bestnet
    assert draft.status == SupplementStatus.DRAFT
    assert draft.rule == "424(b)(3)"
    assert [r.key for r in draft.delivered_with.order_by("enclosures__id")] == [report.key]
    assert report.key == "r10ksb_2003_08"


def test_no_supplement_is_drafted_for_a_report_a_later_post_effective_amendment_already_brings_in(bestnet):
    bestnet.amendments.create(kind="post_effective", filed_on=datetime.date(2003, 12, 1))
    report = report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=bestnet.issuer,
            form="10-KSB",
            period_end=datetime.date(2003, 8, 31),
            filed_on=datetime.date(2003, 11, 26),
            accession_number="0000950147-03-001400",
        ),
    ).report
    assert not Supplement.objects.filter(incorporations__report=report).exists()


def test_no_supplement_is_drafted_for_a_proxy_statement(bestnet):
    report = report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=bestnet.issuer, form="DEF 14A", period_end=None, filed_on=datetime.date(2003, 10, 1)
        ),
    ).report
    assert not Supplement.objects.filter(incorporations__report=report).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database triggers are PostgreSQL's")
def test_the_database_itself_refuses_to_change_a_filed_supplement(bestnet):
    from django.db import connection as db

    filed = Supplement.objects.get(status=SupplementStatus.FILED)
    statements = [
        ("UPDATE offerings_supplement SET summary = 'x' WHERE id = %s", [filed.pk]),
        ("DELETE FROM offerings_supplement WHERE id = %s", [filed.pk]),
        ("DELETE FROM offerings_supplementincorporation WHERE supplement_id = %s", [filed.pk]),
        ("UPDATE offerings_supplementenclosure SET report_id = report_id WHERE supplement_id = %s", [filed.pk]),
        (
            "INSERT INTO offerings_supplementsection (supplement_id, heading, body, position) "
            "VALUES (%s, '', 'late text', 0)",
            [filed.pk],
        ),
    ]
    for sql, params in statements:
        with pytest.raises(IntegrityError, match="filed"), transaction.atomic(), db.cursor() as cursor:
            cursor.execute(sql, params)
    filed.refresh_from_db()
    assert filed.summary.startswith("Updates the list")
    assert filed.incorporations.count() == 1
