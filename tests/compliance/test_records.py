"""Closure days and Rule 12b-25 notices recorded by staff, as the compliance check reads them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from compliance.models import ClosureDay, LateFilingNotice, LateFilingNoticeForm
from compliance.selectors import business_calendar, findings_for_registration
from offerings.domain.findings import Severity
from offerings.domain.rule_424b import rule_424b_due_on

from .conftest import only

D = datetime.date


@pytest.mark.django_db
def test_national_days_of_mourning_are_seeded():
    assert list(ClosureDay.objects.values_list("closed_on", flat=True)) == [
        D(2004, 6, 11),
        D(2007, 1, 2),
        D(2018, 12, 5),
        D(2025, 1, 9),
    ]
    calendar = business_calendar()
    assert not calendar.is_business_day(D(2018, 12, 5))
    assert "Bush" in calendar.closed_because(D(2018, 12, 5))


@pytest.mark.django_db
def test_a_closure_staff_record_moves_supplement_deadlines():
    # Hurricane Sandy closed the federal government in Washington on October 29-30, 2012
    before = rule_424b_due_on(rule="424(b)(3)", first_used_on=D(2012, 10, 26), calendar=business_calendar())
    assert before == D(2012, 11, 2)
    for day in (D(2012, 10, 29), D(2012, 10, 30)):
        ClosureDay.objects.create(closed_on=day, reason="Federal offices in Washington closed (Hurricane Sandy)")
    after = rule_424b_due_on(rule="424(b)(3)", first_used_on=D(2012, 10, 26), calendar=business_calendar())
    assert after == D(2012, 11, 6)


@pytest.mark.django_db
def test_closure_on_a_weekend_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as excinfo:
        ClosureDay(closed_on=D(2004, 6, 12), reason="Saturday").full_clean()
    assert "closed_on" in excinfo.value.message_dict


def test_nt_10k_recorded_in_time_extends_the_periodic_report_deadline(bestnet):
    as_of = D(2003, 12, 2)
    late = only(findings_for_registration(registration=bestnet, as_of=as_of), "PERIODIC_REPORT_DUE")
    assert (late.severity, late.due_on) == (Severity.ERROR, D(2003, 12, 1))

    notice = LateFilingNotice(
        issuer=bestnet.issuer, form=LateFilingNoticeForm.NT_10K, period_end=D(2003, 8, 31), filed_on=D(2003, 12, 2)
    )
    notice.full_clean()
    notice.save()

    extended = only(findings_for_registration(registration=bestnet, as_of=as_of), "PERIODIC_REPORT_DUE")
    # prescribed Sat Nov 29 + 15 calendar days = Sun Dec 14 -> Mon Dec 15
    assert (extended.severity, extended.due_on) == (Severity.WARNING, D(2003, 12, 15))
    assert extended.data["rule_12b25_notice_id"] == notice.pk


def test_nt_filed_before_period_end_is_refused(bestnet):
    notice = LateFilingNotice(
        issuer=bestnet.issuer, form=LateFilingNoticeForm.NT_10Q, period_end=D(2003, 11, 30), filed_on=D(2003, 11, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        notice.full_clean()
    assert "filed_on" in excinfo.value.message_dict
