"""Acceptance on the BestNet dossier (Registration No. 333-105026)."""

import copy
import datetime

import pytest

from compliance.selectors import findings_for_registration
from offerings.domain.findings import Severity
from offerings.dossier.importer import import_dossier
from offerings.models import Amendment, AmendmentKind, PeriodicReport, Supplement, SupplementStatus
from offerings.services import reports as report_services
from offerings.services import supplements as services
from offerings.services.corrections import correct_filed_record
from tests.actors import TEST_ACTOR

from .conftest import codes, only

D = datetime.date


def check(registration, as_of):
    return findings_for_registration(registration=registration, as_of=as_of)


def test_bestnet_as_of_filing_day_reports_the_57500_share_gap_verified_proceeds_and_pending_vote(bestnet):
    findings = check(bestnet, D(2003, 7, 16))

    gap = only(findings, "REGISTERED_AMOUNT_UNRECONCILED")
    assert gap.severity == Severity.WARNING
    assert gap.data["registered"] == 21_439_058
    assert gap.data["described"] == 21_381_558
    assert gap.data["difference"] == 57_500
    assert "57,500" in gap.message
    assert gap.subject == "registered_amount"
    assert gap.subject_id == bestnet.registered_amounts.get(amount=21_439_058).pk

    proceeds = only(findings, "PROCEEDS_VERIFIED")
    assert proceeds.data["stated"] == proceeds.data["computed"] == "1781796.50"
    assert "3,563,593 x $0.30 + 7,127,186 x $0.10 = $1,781,796.50" in proceeds.message

    vote = only(findings, "CONDITION_PENDING")
    assert "authorized shares" in vote.message
    assert vote.subject == "condition"

    assert "INCORPORATION_MISSING" not in codes(findings)
    assert "COMPONENT_DERIVATION_MISMATCH" not in codes(findings)
    assert not [f for f in findings if f.severity == Severity.ERROR]


def test_bestnet_next_periodic_report_is_the_10ksb_due_december_1_2003(bestnet):
    finding = only(check(bestnet, D(2003, 7, 16)), "PERIODIC_REPORT_DUE")
    assert (finding.severity, finding.due_on, finding.data["form"]) == (Severity.INFO, D(2003, 12, 1), "10-KSB")
    assert finding.subject == "issuer" and finding.subject_id == bestnet.issuer_id


def test_findings_are_sorted_errors_first_then_by_due_date(bestnet):
    findings = check(bestnet, D(2004, 2, 20))
    assert findings == sorted(findings, key=lambda f: f.sort_key())
    assert findings[0].severity == Severity.ERROR
    assert [f.due_on for f in findings if f.severity == Severity.ERROR] == [D(2003, 12, 1), D(2004, 2, 19)]


def test_report_filed_after_the_prospectus_and_not_incorporated_is_missing(bestnet_without_supplement):
    findings = check(bestnet_without_supplement, D(2003, 7, 16))
    missing = only(findings, "INCORPORATION_MISSING")
    report = PeriodicReport.objects.get(accession_number="0000950147-03-000824")
    assert missing.severity == Severity.ERROR
    assert (missing.subject, missing.subject_id) == ("periodic_report", report.pk)
    assert missing.data["filed_on"] == "2003-07-15"
    assert missing.data["prospectus_baseline_on"] == "2003-05-19"
    assert "Form 10-QSB for the quarterly period ended May 31, 2003" in missing.message


def test_report_not_yet_filed_on_the_as_of_date_is_not_missing(bestnet_without_supplement):
    findings = check(bestnet_without_supplement, D(2003, 7, 14))
    assert "INCORPORATION_MISSING" not in codes(findings)


def test_registration_with_forward_incorporation_needs_no_supplement(db, bestnet_data):
    data = copy.deepcopy(bestnet_data)
    data["supplements"] = []
    data["periodic_reports"][1]["filed_on"] = "2003-07-15"
    data["registration_statement"]["forward_incorporation"] = True
    registration = import_dossier(actor=TEST_ACTOR, data=data).registration
    assert "INCORPORATION_MISSING" not in codes(check(registration, D(2003, 7, 16)))


def test_recording_the_10qsb_drafts_the_incorporation_supplement(bestnet_before_10qsb):
    registration = bestnet_before_10qsb
    assert "INCORPORATION_MISSING" not in codes(check(registration, D(2003, 7, 16)))

    report = report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=registration.issuer,
            form="10-QSB",
            period_end=D(2003, 5, 31),
            filed_on=D(2003, 7, 15),
            accession_number="0000950147-03-000824",
        ),
    ).report

    draft = Supplement.objects.get(prospectus__registration_statement=registration)
    assert draft.status == SupplementStatus.DRAFT
    assert (draft.rule, draft.purpose) == ("424(b)(3)", "incorporation_update")
    assert list(draft.incorporates.all()) == [report]
    annual = PeriodicReport.objects.get(accession_number="0000950147-02-001541")
    assert set(draft.delivered_with.all()) == {annual, report}
    assert "Form 10-QSB for the quarterly period ended May 31, 2003" in draft.summary

    findings = check(registration, D(2003, 7, 16))
    assert "INCORPORATION_MISSING" not in codes(findings)
    pending = only(findings, "SUPPLEMENT_UNFILED")
    assert (pending.severity, pending.subject, pending.subject_id) == (Severity.WARNING, "supplement", draft.pk)


def test_auto_drafted_supplement_stays_on_the_list_until_filed(bestnet_before_10qsb):
    registration = bestnet_before_10qsb
    report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=registration.issuer,
            form="10-QSB",
            period_end=D(2003, 5, 31),
            filed_on=D(2003, 7, 15),
            accession_number="0000950147-03-000824",
        ),
    )
    draft = Supplement.objects.get(prospectus__registration_statement=registration)
    services.update_supplement(actor=TEST_ACTOR, supplement=draft, first_used_on=D(2003, 7, 16))

    due = only(check(registration, D(2003, 7, 16)), "SUPPLEMENT_FILING_DUE")
    assert (due.severity, due.due_on) == (Severity.WARNING, D(2003, 7, 23))

    overdue = only(check(registration, D(2003, 7, 24)), "SUPPLEMENT_FILING_OVERDUE")
    assert overdue.severity == Severity.ERROR
    assert "424(b)(8)" in overdue.message

    Supplement.objects.filter(pk=draft.pk).update(
        status=SupplementStatus.FILED, filed_on=D(2003, 7, 16), accession_number="0000950147-03-000829"
    )
    findings = check(registration, D(2003, 7, 24))
    assert not {"SUPPLEMENT_UNFILED", "SUPPLEMENT_FILING_DUE", "SUPPLEMENT_FILING_OVERDUE"} & set(codes(findings))


def test_recording_a_report_drafts_one_supplement_per_registration_of_the_issuer(db, bestnet_data):
    """BestNet filed three incorporation supplements on July 16, 2003, one per registration."""
    for file_number, prospectus_date in [("333-105026", "2003-05-19"), ("333-101561", "2003-01-10")]:
        data = copy.deepcopy(bestnet_data)
        data["supplements"] = []
        data["periodic_reports"] = [r for r in data["periodic_reports"] if r["key"] != "quarter_2003_05"]
        data["registration_statement"]["file_number"] = file_number
        data["prospectus"]["date"] = prospectus_date
        registration = import_dossier(actor=TEST_ACTOR, data=data).registration
    report_services.record_periodic_report(
        actor=TEST_ACTOR,
        report=PeriodicReport(
            issuer=registration.issuer, form="10-QSB", period_end=D(2003, 5, 31), filed_on=D(2003, 7, 15)
        ),
    )
    drafted = sorted(Supplement.objects.values_list("prospectus__registration_statement__file_number", flat=True))
    assert drafted == ["333-101561", "333-105026"]


# -- Section 10(a)(3) ------------------------------------------------------------------------------------


def test_prospectus_may_be_used_through_february_19_2004(bestnet):
    findings = check(bestnet, D(2004, 2, 19))
    assert "PROSPECTUS_STALE_10A3" not in codes(findings)
    near = only(findings, "PROSPECTUS_10A3_CUTOFF_NEAR")
    assert (near.severity, near.due_on) == (Severity.WARNING, D(2004, 2, 19))


def test_prospectus_is_stale_from_february_20_2004(bestnet):
    stale = only(check(bestnet, D(2004, 2, 20)), "PROSPECTUS_STALE_10A3")
    assert stale.severity == Severity.ERROR
    assert stale.data["stale_from"] == "2004-02-20"
    assert stale.data["last_usable_on"] == "2004-02-19"
    assert stale.data["clock_basis"] == "prospectus date (effective date unknown)"
    assert stale.data["information_as_of"] == "2002-08-31"
    assert "February 20, 2004" in stale.message
    assert "effective date unknown" in stale.message
    assert "post-effective amendment" in stale.message
    assert (stale.subject, stale.subject_id) == ("prospectus", bestnet.prospectuses.get().pk)


def _annual_2003(bestnet):
    return PeriodicReport.objects.create(
        issuer=bestnet.issuer,
        key="annual_2003",
        form="10-KSB",
        period_end=D(2003, 8, 31),
        filed_on=D(2003, 11, 26),
        accession_number="0000950147-03-001500",
    )


def test_post_effective_amendment_with_a_later_annual_report_clears_the_stale_prospectus(bestnet):
    annual = _annual_2003(bestnet)
    assert "PROSPECTUS_STALE_10A3" in codes(check(bestnet, D(2004, 2, 20)))

    Amendment.objects.create(
        registration_statement=bestnet,
        kind=AmendmentKind.POST_EFFECTIVE,
        filed_on=D(2003, 12, 10),
        annual_report=annual,
    )

    findings = check(bestnet, D(2004, 2, 20))
    assert "PROSPECTUS_STALE_10A3" not in codes(findings)
    # the amendment brought the prospectus up to date, so the 10-KSB it carries needs no supplement either
    assert "INCORPORATION_MISSING" not in codes(findings)
    # with information as of August 31, 2003 the prospectus serves until December 31, 2004
    stale = only(check(bestnet, D(2005, 1, 1)), "PROSPECTUS_STALE_10A3")
    assert stale.data["stale_from"] == "2005-01-01"


def test_annual_report_alone_does_not_cure_without_forward_incorporation(bestnet):
    _annual_2003(bestnet)
    findings = check(bestnet, D(2004, 2, 20))
    assert "PROSPECTUS_STALE_10A3" in codes(findings)
    assert "INCORPORATION_MISSING" in codes(findings)


def test_with_forward_incorporation_filing_the_annual_report_is_the_update(bestnet):
    bestnet.forward_incorporation = True
    bestnet.save()
    stale = only(check(bestnet, D(2004, 2, 20)), "PROSPECTUS_STALE_10A3")
    assert "Form 10-K" in stale.data["cure"]
    _annual_2003(bestnet)
    assert "PROSPECTUS_STALE_10A3" not in codes(check(bestnet, D(2004, 2, 20)))


def test_known_effective_date_starts_the_nine_months(bestnet):
    # The filed supplement states the registration's dates: a known effective date is a correction.
    correct_filed_record(actor=TEST_ACTOR, record=bestnet, changes={"effective_on": D(2003, 6, 2)}, reason="SEC order")
    bestnet.refresh_from_db()
    assert "PROSPECTUS_STALE_10A3" not in codes(check(bestnet, D(2004, 3, 2)))
    stale = only(check(bestnet, D(2004, 3, 3)), "PROSPECTUS_STALE_10A3")
    assert stale.data["clock_basis"] == "effective date"


def test_counsel_may_record_a_later_information_date(bestnet):
    prospectus = bestnet.prospectuses.get()
    correct_filed_record(
        actor=TEST_ACTOR, record=prospectus, changes={"information_as_of": D(2003, 3, 15)}, reason="counsel's date"
    )
    # 2004-07-15 less 16 months is 2003-03-15 (not more than 16 months); 2004-07-16 is
    assert "PROSPECTUS_STALE_10A3" not in codes(check(bestnet, D(2004, 7, 15)))
    stale = only(check(bestnet, D(2004, 7, 16)), "PROSPECTUS_STALE_10A3")
    assert stale.data["information_basis"] == "the information date counsel recorded on the prospectus"


@pytest.mark.parametrize("as_of", [D(2003, 7, 16), D(2004, 2, 20)])
def test_every_finding_names_a_record(bestnet, as_of):
    for finding in check(bestnet, as_of):
        assert finding.subject and finding.subject_id
        assert finding.message.endswith(".")
