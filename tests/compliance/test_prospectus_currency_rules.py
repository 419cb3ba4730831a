"""Incorporation gaps and supplement filing deadlines on plain facts (no database)."""

import datetime

from offerings.domain.calendar import BusinessCalendar
from offerings.domain.facts import ProspectusFacts, RegistrationFacts, ReportFacts, SupplementFacts
from offerings.domain.findings import Severity
from offerings.domain.incorporation import incorporation_gaps
from offerings.domain.rule_424b import supplement_filing_findings
from offerings.domain.section_10a3 import section_10a3

D = datetime.date
CALENDAR = BusinessCalendar.standard()


def report(id, form, filed_on, period_end=None):
    return ReportFacts(id=id, form=form, description=f"Form {form}", period_end=period_end, filed_on=filed_on)


def registration(**overrides):
    values = {
        "id": 1,
        "file_number": "333-105026",
        "effective_on": None,
        "last_amended_on": None,
        "forward_incorporation": False,
        "prospectus": ProspectusFacts(id=3, dated_on=D(2003, 5, 19)),
        "reports": (
            report(10, "10-KSB", D(2002, 11, 27), D(2002, 8, 31)),
            report(11, "10-QSB", D(2003, 7, 15), D(2003, 5, 31)),
            report(12, "DEF 14A", D(2003, 7, 1)),
            report(13, "8-K", D(2003, 6, 2), D(2003, 6, 1)),
            report(14, "10-QSB", None, D(2003, 2, 28)),
        ),
    }
    values.update(overrides)
    return RegistrationFacts(**values)


def test_only_exchange_act_reports_filed_after_the_prospectus_and_by_the_as_of_date_are_missing():
    found = incorporation_gaps(registration=registration(), as_of=D(2003, 7, 16))
    # the 10-KSB predates the prospectus, the proxy statement is not added by supplement, and a report with no
    # filing date cannot be placed in time
    assert [f.subject_id for f in found] == [13, 11]
    assert all(f.severity == Severity.ERROR for f in found)


def test_a_supplement_of_any_status_that_incorporates_the_report_closes_the_gap():
    supplements = (SupplementFacts(id=5, label="S", rule="424(b)(3)", status="draft", incorporates=(11, 13)),)
    assert incorporation_gaps(registration=registration(supplements=supplements), as_of=D(2003, 7, 16)) == []


def test_a_later_amendment_moves_the_baseline():
    facts = registration(last_amended_on=D(2003, 6, 30))
    assert [f.subject_id for f in incorporation_gaps(registration=facts, as_of=D(2003, 7, 16))] == [11]


def test_unknown_forward_incorporation_is_checked_as_none():
    assert incorporation_gaps(registration=registration(forward_incorporation=None), as_of=D(2003, 7, 16))
    assert incorporation_gaps(registration=registration(forward_incorporation=True), as_of=D(2003, 7, 16)) == []


def test_registration_without_a_prospectus_has_nothing_to_update():
    assert incorporation_gaps(registration=registration(prospectus=None), as_of=D(2003, 7, 16)) == []


def _supplement(**overrides):
    values = {"id": 7, "label": "Prospectus supplement dated July 3, 2003", "rule": "424(b)(3)", "status": "approved"}
    values.update(overrides)
    return SupplementFacts(**values)


def _check(supplement, as_of):
    return supplement_filing_findings(
        registration=registration(supplements=(supplement,)), as_of=as_of, calendar=CALENDAR
    )


def test_supplement_first_used_is_due_on_the_fifth_business_day_then_overdue():
    supplement = _supplement(first_used_on=D(2003, 7, 3))
    [due] = _check(supplement, D(2003, 7, 11))
    assert (due.code, due.severity, due.due_on, due.data["business_days_left"]) == (
        "SUPPLEMENT_FILING_DUE",
        Severity.WARNING,
        D(2003, 7, 11),
        0,
    )
    [overdue] = _check(supplement, D(2003, 7, 14))
    assert (overdue.code, overdue.severity, overdue.data["business_days_late"]) == (
        "SUPPLEMENT_FILING_OVERDUE",
        Severity.ERROR,
        1,
    )
    assert "Rule 424(b)(8)" in overdue.message


def test_supplement_already_marked_424b8_is_overdue_as_soon_as_used():
    [finding] = _check(_supplement(rule="424(b)(8)", first_used_on=D(2003, 7, 3)), D(2003, 7, 4))
    assert (finding.code, finding.severity) == ("SUPPLEMENT_FILING_OVERDUE", Severity.ERROR)


def test_filed_supplement_is_not_reported():
    assert _check(_supplement(first_used_on=D(2003, 7, 3), status="filed", filed_on=D(2003, 7, 9)), D(2003, 8, 1)) == []


def test_unused_draft_is_listed_until_filed():
    [finding] = _check(_supplement(status="draft", incorporates=(11,)), D(2003, 7, 16))
    assert (finding.code, finding.severity) == ("SUPPLEMENT_UNFILED", Severity.WARNING)
    assert "Form 10-QSB" in finding.message


def test_section_10a3_needs_both_nine_months_and_sixteen_months():
    # recent information: the nine months alone do not make the prospectus stale
    status = section_10a3(
        clock_from=D(2003, 5, 19), clock_basis="effective date", information_as_of=D(2003, 2, 28), information_basis="x"
    )
    assert status.stale_from == D(2004, 7, 1)
    # old information: the prospectus is usable for nine months all the same
    status = section_10a3(
        clock_from=D(2003, 5, 19), clock_basis="effective date", information_as_of=D(2001, 8, 31), information_basis="x"
    )
    assert (status.last_usable_on, status.stale_from) == (D(2004, 2, 19), D(2004, 2, 20))
