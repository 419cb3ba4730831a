"""One rule, one implementation: the supplements drafted for a new report are exactly the gaps the check reports.

Each row sets up an issuer's registrations, records a report without drafting, asks the compliance check which
registrations lack it (INCORPORATION_MISSING as of its filing date and a year later), drafts, and compares.
"""

import datetime

import pytest

from compliance.selectors import findings_for_registration
from offerings.models import AmendmentKind, PeriodicReport, Supplement, SupplementAttachment, SupplementIncorporation
from offerings.services import reports as report_services
from tests import factories
from tests.actors import TEST_ACTOR

D = datetime.date
FILED = D(2020, 8, 10)

# (case, registrations as (forward_incorporation, prospectus date or None, effective, last amended, amendment
# filed), report form, report filed on, registrations already incorporating it, expected drafts)
CASES = [
    ("without forward incorporation", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "10-Q", FILED, [], [0]),
    ("with forward incorporation", [(True, D(2020, 5, 1), D(2020, 5, 1), None, None)], "10-Q", FILED, [], []),
    ("forward incorporation unknown", [(None, D(2020, 5, 1), D(2020, 5, 1), None, None)], "10-Q", FILED, [], [0]),
    ("prospectus dated after the report", [(False, D(2020, 9, 1), D(2020, 9, 1), None, None)], "10-Q", FILED, [], []),
    ("prospectus dated the day filed", [(False, FILED, FILED, None, None)], "10-Q", FILED, [], []),
    (
        "effective after the report, prospectus before",
        [(False, D(2020, 5, 1), D(2020, 9, 1), None, None)],
        "8-K",
        FILED,
        [],
        [0],
    ),
    (
        "post-effective amendment after the report",
        [(False, D(2020, 5, 1), D(2020, 5, 1), None, D(2020, 9, 1))],
        "10-Q",
        FILED,
        [],
        [],
    ),
    (
        "amendment before the report",
        [(False, D(2020, 5, 1), D(2020, 5, 1), None, D(2020, 6, 1))],
        "10-Q",
        FILED,
        [],
        [0],
    ),
    (
        "last amended after the report",
        [(False, D(2020, 5, 1), D(2020, 5, 1), D(2020, 9, 1), None)],
        "10-Q",
        FILED,
        [],
        [],
    ),
    ("proxy statement", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "DEF 14A", FILED, [], []),
    ("report without a filing date", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "10-Q", None, [], []),
    ("registration without a prospectus", [(False, None, None, None, None)], "10-Q", FILED, [], []),
    ("current report", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "8-K", FILED, [], [0]),
    ("annual report", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "10-K", FILED, [], [0]),
    ("foreign issuer's 6-K", [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)], "6-K", FILED, [], [0]),
    (
        "two registrations, one incorporating forward",
        [(False, D(2020, 5, 1), D(2020, 5, 1), None, None), (True, D(2020, 5, 1), D(2020, 5, 1), None, None)],
        "10-Q",
        FILED,
        [],
        [0],
    ),
    (
        "two registrations, one already incorporating it",
        [(False, D(2020, 5, 1), D(2020, 5, 1), None, None), (False, D(2020, 6, 1), D(2020, 6, 1), None, None)],
        "10-Q",
        FILED,
        [1],
        [0],
    ),
    (
        "three registrations without forward incorporation",
        [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)] * 3,
        "10-Q",
        FILED,
        [],
        [0, 1, 2],
    ),
]


def _registrations(issuer, rows):
    registrations = []
    for forward, prospectus_on, effective_on, last_amended_on, amendment_on in rows:
        registration = factories.RegistrationStatementFactory(
            issuer=issuer,
            forward_incorporation=forward,
            effective_on=effective_on,
            filed_on=D(2020, 4, 1),
            last_amended_on=last_amended_on,
        )
        if prospectus_on:
            factories.ProspectusFactory(registration_statement=registration, dated_on=prospectus_on)
        if amendment_on:
            registration.amendments.create(kind=AmendmentKind.POST_EFFECTIVE, filed_on=amendment_on)
        registrations.append(registration)
    return registrations


def _gaps(registrations, report, as_of):
    return [
        i
        for i, registration in enumerate(registrations)
        if any(
            f.code == "INCORPORATION_MISSING" and f.subject_id == report.pk
            for f in findings_for_registration(registration=registration, as_of=as_of)
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "form", "filed_on", "incorporated", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_drafts_created_equal_the_gaps_the_check_reports(rows, form, filed_on, incorporated, expected):
    issuer = factories.IssuerFactory(fiscal_year_end="")
    registrations = _registrations(issuer, rows)
    report = PeriodicReport(issuer=issuer, form=form, period_end=D(2020, 6, 30), filed_on=filed_on)
    report = report_services.record_periodic_report(actor=TEST_ACTOR, report=report, auto_draft=False).report
    for i in incorporated:
        earlier = factories.SupplementFactory(prospectus=registrations[i].prospectuses.get(), dated_on=FILED)
        SupplementIncorporation.objects.create(supplement=earlier, report=report)

    as_of = filed_on or FILED
    gaps = _gaps(registrations, report, as_of)
    assert gaps == _gaps(registrations, report, as_of + datetime.timedelta(days=365))

    drafts = report_services.draft_incorporation_supplements(actor=TEST_ACTOR, report=report)
    drafted = sorted(registrations.index(d.prospectus.registration_statement) for d in drafts)
    assert drafted == gaps == expected
    assert all(d.dated_on == filed_on and list(d.incorporates.all()) == [report] for d in drafts)
    assert _gaps(registrations, report, as_of) == []
    assert Supplement.objects.filter(incorporations__report=report).count() == len(expected) + len(incorporated)


@pytest.mark.django_db
def test_a_report_a_supplement_attaches_is_brought_in_and_drafts_nothing():
    """Periodic report attached: the report's content is part of the supplement, so no gap remains."""
    issuer = factories.IssuerFactory(fiscal_year_end="")
    [registration] = _registrations(issuer, [(False, D(2020, 5, 1), D(2020, 5, 1), None, None)])
    report = PeriodicReport(issuer=issuer, form="10-Q", period_end=D(2020, 6, 30), filed_on=FILED)
    report = report_services.record_periodic_report(actor=TEST_ACTOR, report=report, auto_draft=False).report
    attaching = factories.SupplementFactory(prospectus=registration.prospectuses.get(), dated_on=FILED)
    SupplementAttachment.objects.create(supplement=attaching, report=report)
    assert _gaps([registration], report, FILED) == []
    assert report_services.draft_incorporation_supplements(actor=TEST_ACTOR, report=report) == []
