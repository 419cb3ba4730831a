"""The checks for every kind of supplement, on plain facts: each finding with its figures, and the consistent
case beside it raising none."""

import datetime
from decimal import Decimal

import pytest

from offerings.domain import chain, holders, incorporation, periodic_reports, rule_424b, terms
from offerings.domain.calendar import BusinessCalendar
from offerings.domain.facts import (
    ComponentFacts,
    EventFacts,
    HolderRowFacts,
    HolderTableFacts,
    ProspectusFacts,
    RegisteredAmountFacts,
    RegistrationFacts,
    ReportFacts,
    SecurityFacts,
    SupplementFacts,
    TermsChangeFacts,
)
from offerings.domain.findings import RULES, Finding

D = datetime.date
AUGUST_1 = D(2020, 8, 1)
APRIL_1 = D(2020, 4, 1)
SEPTEMBER_15 = D(2020, 9, 15)
CALENDAR = BusinessCalendar.standard()
COMMON = SecurityFacts(id=1, title="common stock", kind="common")
WARRANT = SecurityFacts(
    id=2,
    title="Series A warrants",
    kind="warrant",
    converts_into_id=1,
    shares_per_security=Decimal(1),
    price_per_share=Decimal("0.30"),
)
NOTE = SecurityFacts(
    id=3,
    title="8% convertible notes",
    kind="note",
    converts_into_id=1,
    conversion_rate_per_1000=Decimal(2500),
    price_per_share=Decimal(0),
)
SECURITIES = {1: COMMON, 2: WARRANT, 3: NOTE}
AMOUNTS = (
    RegisteredAmountFacts(
        id=10,
        security_id=1,
        amount=1000,
        components=(ComponentFacts(id=11, source="issuable_on_exercise", amount=1000, from_security_id=2),),
    ),
)


def row(name, before=None, offered=None, after=None, percent=None, change="listed", principal=None):
    return HolderRowFacts(
        name=name,
        change=change,
        owned_before=before,
        offered=offered,
        owned_after=after,
        percent_after=Decimal(percent) if percent else None,
        principal_offered=Decimal(principal) if principal else None,
    )


def table(*rows, mode="restate", outstanding=None, id=100):
    return HolderTableFacts(id=id, mode=mode, security_id=1, shares_outstanding=outstanding, rows=rows)


def supplement(
    id=1,
    *,
    number=None,
    dated_on=AUGUST_1,
    tables=(),
    events=(),
    incorporates=(),
    attaches=(),
    status="draft",
    filed_on=None,
):
    return SupplementFacts(
        id=id,
        label=f"Supplement {id}",
        rule="424(b)(3)",
        status=status,
        filed_on=filed_on,
        number=number,
        dated_on=dated_on,
        prospectus_id=7,
        holder_tables=tables,
        events=events,
        incorporates=incorporates,
        attaches=attaches,
    )


def registration(*supplements, prospectus_tables=(), reports=(), form="S-1", forward=False, filed_on=APRIL_1):
    return RegistrationFacts(
        id=5,
        file_number="333-200001",
        effective_on=D(2020, 5, 1),
        last_amended_on=None,
        forward_incorporation=forward,
        prospectus=ProspectusFacts(id=7, dated_on=D(2020, 5, 1), holder_tables=prospectus_tables),
        supplements=supplements,
        reports=reports,
        form=form,
        filed_on=filed_on,
    )


def holder_checks(reg, amounts=AMOUNTS, securities=SECURITIES):
    return holders.holder_findings(registration=reg, amounts=amounts, securities=securities)


def terms_checks(reg, securities=SECURITIES, as_of=SEPTEMBER_15):
    return terms.terms_findings(registration=reg, amounts=AMOUNTS, securities=securities, as_of=as_of)


REPORT_JULY = ReportFacts(
    id=50, form="10-Q", description="Quarterly Report on Form 10-Q", period_end=D(2020, 6, 30), filed_on=D(2020, 8, 10)
)
WINDOW = SecurityFacts(
    **{
        **WARRANT.__dict__,
        "terms_changes": (
            TermsChangeFacts(
                kind="temporary_repricing",
                effective_on=D(2020, 9, 1),
                ends_on=D(2020, 9, 30),
                price_after=Decimal("0.25"),
            ),
        ),
    }
)
EXERCISED_400 = EventFacts(id=1, kind="exercise", occurred_on=D(2020, 8, 20), security_id=2, shares=400)
EXERCISED_1100 = EventFacts(id=2, kind="exercise", occurred_on=D(2020, 8, 20), security_id=2, shares=1100)
TRANSFER = EventFacts(
    id=3, kind="transfer", occurred_on=D(2020, 8, 20), security_id=1, shares=100, holder="A", transferee="B"
)

# (case, findings, code expected or None, figures the finding must carry)
CASES = [
    (
        "after = before - offered, wrong",
        lambda: holder_checks(registration(prospectus_tables=[table(row("A", 1000, 600, 500))])),
        "HOLDER_AFTER_MISMATCH",
        {"expected_owned_after": 400},
    ),
    (
        "after = before - offered, right",
        lambda: holder_checks(registration(prospectus_tables=[table(row("A", 1000, 600, 400))])),
        None,
        {},
    ),
    (
        "percent after, wrong",
        lambda: holder_checks(
            registration(prospectus_tables=[table(row("A", 1000, 600, 400, "2.0"), outstanding=40000)])
        ),
        "HOLDER_PERCENT_MISMATCH",
        {"computed_percent": "1.0"},
    ),
    (
        "percent after, right",
        lambda: holder_checks(
            registration(prospectus_tables=[table(row("A", 1000, 600, 400, "1.0"), outstanding=40000)])
        ),
        None,
        {},
    ),
    (
        "percent after to the stated rounding, wrong",
        lambda: holder_checks(
            registration(prospectus_tables=[table(row("A", 333333, 0, 333333, "3.4"), outstanding=10000000)])
        ),
        "HOLDER_PERCENT_MISMATCH",
        {"computed_percent": "3.3"},
    ),
    (
        "percent after to the stated rounding, right",
        lambda: holder_checks(
            registration(prospectus_tables=[table(row("A", 333333, 0, 333333, "3.33"), outstanding=10000000)])
        ),
        None,
        {},
    ),
    (
        "holders offer more than registered",
        lambda: holder_checks(registration(prospectus_tables=[table(row("A", offered=700), row("B", offered=400))])),
        "HOLDERS_OFFER_MORE_THAN_REGISTERED",
        {"offered": 1100, "registered": 1000},
    ),
    (
        "an amendment removes a holder: within what is registered",
        lambda: holder_checks(
            registration(
                supplement(tables=[table(row("B", change="removed"), mode="amend", id=101)]),
                prospectus_tables=[table(row("A", offered=700), row("B", offered=400))],
            )
        ),
        None,
        {},
    ),
    (
        "a restatement replaces the earlier table",
        lambda: holder_checks(
            registration(
                supplement(tables=[table(row("C", offered=900), id=101)]),
                prospectus_tables=[table(row("A", offered=700), row("B", offered=400))],
            )
        ),
        None,
        {},
    ),
    (
        "an amendment adds a holder past what is registered",
        lambda: holder_checks(
            registration(
                supplement(tables=[table(row("C", offered=500, change="added"), mode="amend", id=101)]),
                prospectus_tables=[table(row("A", offered=700))],
            )
        ),
        "HOLDERS_OFFER_MORE_THAN_REGISTERED",
        {"offered": 1200},
    ),
    (
        "note shares = principal x rate / 1,000, wrong",
        lambda: holder_checks(registration(prospectus_tables=[table(row("N", offered=240000, principal="100000"))])),
        "NOTE_SHARES_MISMATCH",
        {"expected_shares": "250000", "implied_rate_per_1000": "2400", "principal_at_rate": "96000.00"},
    ),
    (
        "note shares = principal x rate / 1,000, right",
        lambda: holder_checks(
            registration(prospectus_tables=[table(row("N", offered=250000, principal="100000"))]), amounts=()
        ),
        None,
        {},
    ),
    (
        "exercises exceed what is registered",
        lambda: terms_checks(registration(supplement(events=[EXERCISED_1100]))),
        "EXERCISES_EXCEED_REGISTERED",
        {"used": 1100, "registered": 1000},
    ),
    (
        "exercises within what is registered: remaining proceeds",
        lambda: terms_checks(registration(supplement(events=[EXERCISED_400]))),
        "PROCEEDS_REMAINING",
        {"total": "180.00"},
    ),
    (
        "a repricing window in force lowers the remaining proceeds",
        lambda: terms_checks(registration(supplement(events=[EXERCISED_400])), securities={**SECURITIES, 2: WINDOW}),
        "PROCEEDS_REMAINING",
        {"total": "150.00"},
    ),
    (
        "after the window the old price is back",
        lambda: terms_checks(
            registration(supplement(events=[EXERCISED_400])),
            securities={**SECURITIES, 2: WINDOW},
            as_of=D(2020, 10, 15),
        ),
        "PROCEEDS_REMAINING",
        {"total": "180.00"},
    ),
    ("no change of terms and no exercise: nothing to restate", lambda: terms_checks(registration()), None, {}),
    (
        "a transfer that changes the total offered",
        lambda: terms.transfer_findings(
            registration(
                supplement(
                    events=[TRANSFER], tables=[table(row("B", offered=500, change="added"), mode="amend", id=101)]
                ),
                prospectus_tables=[table(row("A", offered=700))],
            )
        ),
        "TRANSFER_CHANGES_TOTAL",
        {"before": 700, "after": 1200},
    ),
    (
        "a transfer that moves shares between holders",
        lambda: terms.transfer_findings(
            registration(
                supplement(
                    events=[TRANSFER],
                    tables=[
                        table(
                            row("A", offered=600, change="amended"),
                            row("B", offered=100, change="added"),
                            mode="amend",
                            id=101,
                        )
                    ],
                ),
                prospectus_tables=[table(row("A", offered=700))],
            )
        ),
        None,
        {},
    ),
    (
        "a supplement number repeated",
        lambda: chain.chain_findings(
            registration(supplement(1, number=1), supplement(2, number=1, dated_on=D(2020, 9, 1)))
        ),
        "SUPPLEMENT_NUMBER_REPEATED",
        {"number": 1},
    ),
    (
        "a gap in the numbers",
        lambda: chain.chain_findings(
            registration(supplement(1, number=1), supplement(2, number=3, dated_on=D(2020, 9, 1)))
        ),
        "SUPPLEMENT_NUMBER_GAP",
        {"missing": [2]},
    ),
    (
        "numbers out of date order",
        lambda: chain.chain_findings(
            registration(
                supplement(1, number=1, dated_on=D(2020, 9, 1)), supplement(2, number=2, dated_on=D(2020, 8, 1))
            )
        ),
        "SUPPLEMENT_NUMBER_OUT_OF_ORDER",
        {"number": 2},
    ),
    (
        "numbers in order",
        lambda: chain.chain_findings(
            registration(supplement(1, number=1), supplement(2, number=2, dated_on=D(2020, 9, 1)))
        ),
        None,
        {},
    ),
    (
        "a supplement dated before a report it incorporates",
        lambda: chain.chain_findings(registration(supplement(incorporates=(50,)), reports=[REPORT_JULY])),
        "SUPPLEMENT_DATED_BEFORE_REPORT",
        {"report_filed_on": "2020-08-10"},
    ),
    (
        "a supplement dated before a report it attaches",
        lambda: chain.chain_findings(registration(supplement(attaches=(50,)), reports=[REPORT_JULY])),
        "SUPPLEMENT_DATED_BEFORE_REPORT",
        {"report_id": 50},
    ),
    (
        "a supplement dated after the report it brings in",
        lambda: chain.chain_findings(
            registration(supplement(attaches=(50,), dated_on=D(2020, 8, 12)), reports=[REPORT_JULY])
        ),
        None,
        {},
    ),
    (
        "a supplement filed before its own date",
        lambda: chain.chain_findings(registration(supplement(status="filed", filed_on=D(2020, 7, 30)))),
        "SUPPLEMENT_FILED_BEFORE_ITS_DATE",
        {"filed_on": "2020-07-30"},
    ),
    (
        "a report filed before its period ended",
        lambda: chain.chain_findings(
            registration(
                reports=[
                    ReportFacts(
                        id=51, form="10-Q", description="10-Q", period_end=D(2020, 6, 30), filed_on=D(2020, 6, 1)
                    )
                ]
            )
        ),
        "REPORT_FILED_BEFORE_PERIOD_END",
        {"period_end": "2020-06-30"},
    ),
    (
        "a supplement filed with its date unknown is not unfiled",
        lambda: rule_424b.supplement_filing_findings(
            registration=registration(supplement(status="filed", dated_on=None)), as_of=D(2020, 9, 1), calendar=CALENDAR
        ),
        None,
        {},
    ),
    (
        "an attached report is brought in",
        lambda: incorporation.incorporation_gaps(
            registration=registration(supplement(attaches=(50,), dated_on=D(2020, 8, 12)), reports=[REPORT_JULY]),
            as_of=D(2020, 9, 1),
        ),
        None,
        {},
    ),
    (
        "a report neither incorporated nor attached is missing",
        lambda: incorporation.incorporation_gaps(
            registration=registration(supplement(dated_on=D(2020, 8, 12)), reports=[REPORT_JULY]), as_of=D(2020, 9, 1)
        ),
        "INCORPORATION_MISSING",
        {"report_id": 50},
    ),
    (
        "forward incorporation on Form SB-2",
        lambda: incorporation.form_findings(registration(form="SB-2", forward=True)),
        "FORWARD_INCORPORATION_NOT_PERMITTED",
        {"form": "SB-2"},
    ),
    (
        "forward incorporation on Form S-1 before 2016",
        lambda: incorporation.form_findings(registration(form="S-1", forward=True, filed_on=D(2010, 3, 1))),
        "FORWARD_INCORPORATION_NOT_PERMITTED",
        {"filed_on": "2010-03-01"},
    ),
    (
        "forward incorporation on Form S-1 since 2016 (eligible issuers)",
        lambda: incorporation.form_findings(registration(form="S-1", forward=True, filed_on=D(2020, 3, 1))),
        None,
        {},
    ),
    (
        "forward incorporation on Form S-3",
        lambda: incorporation.form_findings(registration(form="S-3", forward=True)),
        None,
        {},
    ),
]


@pytest.mark.parametrize(("produce", "code", "figures"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_raises_its_finding_with_the_figures_and_none_when_consistent(produce, code, figures):
    findings: list[Finding] = produce()
    if code is None:
        assert findings == []
        return
    [finding] = [f for f in findings if f.code == code]
    assert {k: finding.data[k] for k in figures} == figures
    assert code in RULES


def _fpi_due(period_end: datetime.date, fiscal_year_end: str = "12-31"):
    period = periodic_reports.FiscalPeriod(period_end, periodic_reports.ReportKind.ANNUAL, period_end)
    return periodic_reports.periodic_due(
        period=period, filer_category=periodic_reports.FOREIGN_PRIVATE_ISSUER, calendar=CALENDAR
    )


def test_a_foreign_private_issuer_files_a_20f_four_months_after_its_year_end():
    due = _fpi_due(D(2020, 12, 31))
    assert (due.form, due.due_on) == ("20-F", D(2021, 4, 30))


def test_before_december_15_2011_the_20f_was_due_six_months_after_the_year_end():
    assert _fpi_due(D(2010, 12, 31)).due_on == D(2011, 6, 30)


def test_a_foreign_private_issuer_is_never_asked_for_a_10q():
    finding = periodic_reports.periodic_report_finding(
        issuer_id=1,
        issuer_name="Nordlys ASA",
        fiscal_year_end="12-31",
        filer_category=periodic_reports.deadline_category(filer_category="", foreign_private_issuer=True),
        reported_period_ends=[D(2020, 12, 31)],
        notices=(),
        as_of=D(2021, 6, 1),
        calendar=CALENDAR,
    )
    assert finding.data["form"] == "20-F" and finding.data["period_end"] == "2021-12-31"


def test_a_finding_names_its_rule_and_the_date_it_was_checked_as_of():
    [finding] = incorporation.form_findings(registration(form="SB-2", forward=True))
    checked = finding.checked(D(2020, 9, 1)).as_json()
    assert checked["rule"].startswith("Form S-1 Item 12(b)") and checked["as_of"] == "2020-09-01"


def test_a_temporary_repricing_applies_only_within_its_window():
    assert terms.price_in_force(WINDOW, D(2020, 8, 31)) == Decimal("0.30")
    assert terms.price_in_force(WINDOW, D(2020, 9, 15)) == Decimal("0.25")
    assert terms.price_in_force(WINDOW, D(2020, 10, 1)) == Decimal("0.30")


def test_a_permanent_repricing_holds_from_its_date():
    repriced = SecurityFacts(
        **{
            **WARRANT.__dict__,
            "terms_changes": (
                TermsChangeFacts(
                    kind="repricing", effective_on=D(2020, 9, 1), ends_on=None, price_after=Decimal("0.20")
                ),
            ),
        }
    )
    assert terms.price_in_force(repriced, D(2020, 8, 31)) == Decimal("0.30")
    assert terms.price_in_force(repriced, D(2021, 1, 1)) == Decimal("0.20")
