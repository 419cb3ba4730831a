"""The staff dashboard, the 90-day calendar and its iCalendar feed."""

import copy
import datetime

import pytest
from django.urls import reverse

from compliance.views import feed_token
from offerings.dossier.importer import import_dossier
from offerings.models import Security
from tests.actors import TEST_ACTOR
from tests.factories import SupplementFactory

D = datetime.date


@pytest.fixture
def staff(django_user_model):
    """Counsel: a staff user in the Reviewer role, which may read the findings."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("counsel", password="s3cret-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_url_names_the_lead_links_from_the_admin_index():
    assert reverse("compliance:dashboard") == "/compliance/"
    assert reverse("compliance:calendar") == "/compliance/calendar/"
    assert reverse("compliance:calendar_ics") == "/compliance/calendar.ics"


@pytest.mark.parametrize("name", ["compliance:dashboard", "compliance:calendar"])
def test_pages_are_for_staff_only(client, django_user_model, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(django_user_model.objects.create_user("investor", password="x-pass-12345"))
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_dashboard_lists_findings_errors_first_with_links_to_the_records(staff_client, bestnet_without_supplement):
    response = staff_client.get(reverse("compliance:dashboard"), {"as_of": "2004-02-20"})
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(f'data-code="{code}"') for code in ("INCORPORATION_MISSING", "REGISTERED_AMOUNT_UNRECONCILED")]
    assert order == sorted(order)
    rows = response.context["rows"]
    severities = [row["finding"].severity for row in rows]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    errors = [row["finding"].due_on or D.max for row in rows if row["finding"].severity == "error"]
    assert errors == sorted(errors)
    missing = next(row for row in rows if row["finding"].code == "INCORPORATION_MISSING")
    report_id = missing["finding"].subject_id
    assert missing["url"] == reverse("admin:offerings_periodicreport_change", args=[report_id])
    assert f'href="{missing["url"]}"' in html
    registration_url = reverse("admin:offerings_registrationstatement_change", args=[bestnet_without_supplement.pk])
    assert f'href="{registration_url}"' in html


def test_dashboard_shows_one_row_for_an_issuer_finding_shared_by_registrations(staff_client, bestnet_data):
    for file_number in ("333-105026", "333-101561"):
        data = copy.deepcopy(bestnet_data)
        data["registration_statement"]["file_number"] = file_number
        data["supplements"] = []
        import_dossier(actor=TEST_ACTOR, data=data)
    response = staff_client.get(reverse("compliance:dashboard"), {"as_of": "2003-07-16"})
    periodic = [row for row in response.context["rows"] if row["finding"].code == "PERIODIC_REPORT_DUE"]
    assert len(periodic) == 1
    assert [r.file_number for r, _ in periodic[0]["registrations"]] == ["333-101561", "333-105026"]


@pytest.mark.parametrize("as_of", ["16/07/2003", "1985-01-02"])
def test_dashboard_refuses_a_bad_date(staff_client, as_of):
    response = staff_client.get(reverse("compliance:dashboard"), {"as_of": as_of})
    assert response.status_code == 400
    assert b"as_of" in response.content


def test_calendar_shows_the_10a3_cutoff_and_the_next_report_within_90_days(staff_client, bestnet):
    response = staff_client.get(reverse("compliance:calendar"), {"as_of": "2004-01-01"})
    assert response.status_code == 200
    events = [(item["event"].on, item["event"].kind) for item in response.context["events"]]
    # 10-QSB for the quarter ended Nov 30, 2003: 45 days = Jan 14, 2004; 10(a)(3): last use Feb 19, 2004
    assert (D(2004, 1, 14), "periodic_report") in events
    assert (D(2004, 2, 19), "section_10a3") in events
    assert events == sorted(events)
    assert all(D(2004, 1, 1) <= on <= D(2004, 3, 31) for on, _ in events)
    assert "feed-url" in response.content.decode()


def test_calendar_lists_supplement_filings_and_warrant_expiries(staff_client, bestnet):
    Security.objects.filter(key="warrant").update(expires_on=D(2006, 3, 31))
    SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=D(2006, 3, 1), first_used_on=D(2006, 3, 1))
    events = staff_client.get(reverse("compliance:calendar"), {"as_of": "2006-03-01"}).context["events"]
    kinds = {(item["event"].kind, item["event"].on) for item in events}
    assert ("supplement_filing", D(2006, 3, 8)) in kinds  # 5 business days after Wed Mar 1
    assert ("expiry", D(2006, 3, 31)) in kinds


def test_ics_export_is_valid_icalendar(staff_client, bestnet):
    response = staff_client.get(reverse("compliance:calendar_ics"), {"as_of": "2004-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20040219\r\n" in body
    assert "DTEND;VALUE=DATE:20040220\r\n" in body
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT") >= 2
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "\n" not in body.replace("\r\n", "")
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Last day to use the prospectus for 333-105026 (Section 10(a)(3))" in unfolded
    uids = [line for line in unfolded.split("\r\n") if line.startswith("UID:")]
    assert len(uids) == len(set(uids))


def test_ics_feed_opens_with_the_staff_member_s_token_without_a_session(client, staff, bestnet):
    url = reverse("compliance:calendar_ics")
    assert client.get(url).status_code == 403
    assert client.get(url, {"user": staff.pk, "token": "0" * 64}).status_code == 403
    response = client.get(url, {"user": staff.pk, "token": feed_token(staff), "as_of": "2004-01-01"})
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content


def test_ics_feed_token_stops_working_when_the_password_changes_or_staff_status_ends(client, staff, bestnet):
    url = reverse("compliance:calendar_ics")
    token = feed_token(staff)
    staff.set_password("another-pass-2")
    staff.save()
    assert client.get(url, {"user": staff.pk, "token": token}).status_code == 403
    token = feed_token(staff)
    staff.is_staff = False
    staff.save()
    assert client.get(url, {"user": staff.pk, "token": token}).status_code == 403


def test_admin_lists_closure_days_and_12b25_notices(admin_client):
    assert admin_client.get(reverse("admin:compliance_closureday_changelist")).status_code == 200
    assert b"Reagan" in admin_client.get(reverse("admin:compliance_closureday_changelist")).content
    assert admin_client.get(reverse("admin:compliance_latefilingnotice_add")).status_code == 200


def test_a_staff_user_without_the_findings_permission_is_refused(client, django_user_model, bestnet):
    clerk = django_user_model.objects.create_user("clerk", password="s3cret-pass-2", is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("compliance:dashboard")).status_code == 403
    assert client.get(reverse("compliance:calendar")).status_code == 403
    assert client.get(reverse("compliance:calendar_ics")).status_code == 403
