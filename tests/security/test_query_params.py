"""Query parameters (issue 12): every one is range-checked and a bad one is a 400 naming it, never a 500: the
compliance pages' as_of, the calendar feed's user and token, the delivery list's not_opened_days, and on every
admin list the search (bounded length and terms), the date drill-down and the page number."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import smart_split

from audit.admin_limits import QueryLimitsMixin
from compliance.views import AS_OF_FIRST, AS_OF_LAST, feed_token
from offerings.models import Issuer
from safety import params
from tests import factories

COMPLIANCE_PAGES = ["compliance:dashboard", "compliance:calendar", "compliance:calendar_ics"]
THOUSANDS_OF_TERMS = " ".join(f"term{i}" for i in range(2000))


@pytest.fixture
def staff(django_user_model):
    """Counsel: a staff user in the Reviewer role, which may read the findings."""
    user = django_user_model.objects.create_user("counsel", password="s3cret-pass-1-long", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def text(response) -> str:
    return response.content.decode()


# as_of


@pytest.mark.parametrize("name", COMPLIANCE_PAGES)
@pytest.mark.parametrize(
    "as_of", ["2099-01-01", "2097-01-01", "1990-01-01", "1985-01-02", "x", "20030716", "2003-02-30"]
)
def test_as_of_outside_the_calendar_or_not_a_date_is_a_400_naming_it(staff_client, name, as_of):
    response = staff_client.get(reverse(name), {"as_of": as_of})
    assert response.status_code == 400
    assert f"as_of must be a date between {AS_OF_FIRST} and {AS_OF_LAST}" in text(response)


@pytest.mark.parametrize("name", COMPLIANCE_PAGES)
def test_as_of_at_either_end_of_its_range_is_answered(staff_client, bestnet, name):
    for day in (AS_OF_FIRST, AS_OF_LAST):
        assert staff_client.get(reverse(name), {"as_of": day.isoformat()}).status_code == 200


@pytest.mark.parametrize("name", ["compliance:calendar", "compliance:calendar_ics"])
def test_deadlines_that_reach_past_the_calendar_are_a_400_not_a_500(staff_client, bestnet, name):
    Issuer.objects.update(foreign_private_issuer=True)  # annual periods only: the calendar looks years ahead
    response = staff_client.get(reverse(name), {"as_of": AS_OF_LAST.isoformat()})
    assert response.status_code == 400
    assert text(response).startswith("as_of: from 2096-12-31 the deadlines reach a day outside the business-day")


# The calendar feed's user and token


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"user": "9" * 5000, "token": "x"}, "user"),
        ({"user": "99999999999999999999", "token": "x"}, "user"),
        ({"user": "-1", "token": "x"}, "user"),
        ({"user": "1x", "token": "x"}, "user"),
        ({"user": "1", "token": "f" * 65}, "token"),
        ({"user": "1", "token": "a\x00b"}, "token"),
    ],
)
def test_a_malformed_feed_user_or_token_is_a_400_naming_it(client, db, query, parameter):
    response = client.get(reverse("compliance:calendar_ics"), query)
    assert response.status_code == 400
    assert text(response).startswith(parameter)


def test_the_feed_still_opens_with_a_well_formed_user_and_token(client, staff, bestnet):
    query = {"user": staff.pk, "token": feed_token(staff), "as_of": "2004-01-01"}
    assert client.get(reverse("compliance:calendar_ics"), query).status_code == 200
    assert client.get(reverse("compliance:calendar_ics"), {**query, "token": "0" * 64}).status_code == 403


# not_opened_days


@pytest.mark.parametrize("value", ["99999999999", "9" * 5000, "-1", "3651", "x", "7.5", "\u0667"])
def test_not_opened_days_out_of_range_or_not_a_number_is_a_400_naming_it(admin_client, value):
    response = admin_client.get(reverse("admin:delivery_delivery_changelist"), {"not_opened_days": value})
    assert response.status_code == 400
    assert "not_opened_days must be a whole number from 0 to 3650" in text(response)


@pytest.mark.parametrize("value", ["0", "7", "3650", ""])
def test_not_opened_days_within_range_lists_deliveries(admin_client, value):
    response = admin_client.get(reverse("admin:delivery_delivery_changelist"), {"not_opened_days": value})
    assert response.status_code == 200


# Every admin list


def changelists(attribute: str):
    return [
        pytest.param(model_admin, id=model._meta.label)
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, attribute)
    ]


def changelist_url(model_admin) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def test_every_admin_has_the_query_limits():
    missing = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, QueryLimitsMixin)]
    assert missing == []


@pytest.mark.parametrize("model_admin", changelists("search_fields"))
def test_a_search_of_thousands_of_terms_is_refused_on_every_admin_list(admin_client, model_admin):
    response = admin_client.get(changelist_url(model_admin), {"q": THOUSANDS_OF_TERMS[:199]})
    assert response.status_code == 400
    assert "q: a search may have at most 10 terms" in text(response)
    response = admin_client.get(changelist_url(model_admin), {"q": THOUSANDS_OF_TERMS})
    assert response.status_code == 400
    assert "q must be at most 200 characters" in text(response)
    assert admin_client.get(changelist_url(model_admin), {"q": "a\x00b"}).status_code == 400
    assert admin_client.get(changelist_url(model_admin), {"q": 'some "quoted phrase" terms'}).status_code == 200


def test_the_search_limits_follow_the_settings(admin_client, settings):
    settings.PORTAL_ADMIN_SEARCH_MAX_TERMS = 2
    url = reverse("admin:offerings_issuer_changelist")
    assert admin_client.get(url, {"q": "best net"}).status_code == 200
    assert "at most 2 terms" in text(admin_client.get(url, {"q": "best net communications"}))
    settings.PORTAL_ADMIN_SEARCH_MAX_CHARS = 5
    assert "q must be at most 5 characters" in text(admin_client.get(url, {"q": "bestnet"}))


def test_the_autocomplete_search_is_bounded_too(admin_client, db):
    query = {"term": THOUSANDS_OF_TERMS, "app_label": "offerings", "model_name": "security", "field_name": "issuer"}
    assert admin_client.get("/admin/autocomplete/", query).status_code == 400


@pytest.mark.parametrize("model_admin", changelists("date_hierarchy"))
def test_a_date_drill_down_outside_the_dates_is_refused_on_every_admin_list(admin_client, model_admin):
    field = model_admin.date_hierarchy
    url = changelist_url(model_admin)
    for query, parameter in [
        ({f"{field}__year": "9999"}, f"{field}__year"),
        ({f"{field}__year": "99999999999"}, f"{field}__year"),
        ({f"{field}__year": "2003", f"{field}__month": "13"}, f"{field}__month"),
        ({f"{field}__year": "2003", f"{field}__month": "2", f"{field}__day": "30"}, f"{field}__day"),
    ]:
        response = admin_client.get(url, query)
        assert response.status_code == 400, query
        assert parameter in text(response)
    assert admin_client.get(url, {f"{field}__year": "2003", f"{field}__month": "7"}).status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999999999"])
def test_a_page_number_out_of_range_is_refused(admin_client, page):
    response = admin_client.get(reverse("admin:offerings_issuer_changelist"), {"p": page})
    assert response.status_code == 400
    assert "p must be a whole number from 1 to" in text(response)


def test_a_history_page_number_out_of_range_is_refused(admin_client, db):
    issuer = factories.IssuerFactory()
    url = reverse("admin:offerings_issuer_history", args=[issuer.pk])
    assert admin_client.get(url, {"p": "9" * 5000}).status_code == 400
    assert admin_client.get(url, {"p": "1"}).status_code == 200


def test_the_audit_report_key_is_bounded(admin_client, db):
    url = reverse("admin:audit_logentry_report")
    assert admin_client.get(url, {"key": "3" * 101}).status_code == 400
    assert admin_client.get(url, {"key": "333-105026"}).status_code == 200


# The parsing helpers


def test_whole_numbers_are_ascii_digits_within_the_range():
    assert params.whole_number("7", name="n", minimum=1, maximum=10) == 7
    assert params.whole_number(None, name="n", minimum=1, maximum=10, default=3) == 3
    for bad in ("0", "11", "", " 7", "7 ", "1e3", "\u0667", "9" * 19):
        if bad == "":
            continue
        with pytest.raises(params.ParameterError, match="n must be a whole number from 1 to 10"):
            params.whole_number(bad, name="n", minimum=1, maximum=10)


def test_dates_are_yyyy_mm_dd_within_the_range():
    first, last = datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)
    assert params.iso_date("2000-02-29", name="d", first=first, last=last) == datetime.date(2000, 2, 29)
    for bad in ("20000229", "2000-W01-1", "2001-01-01", "2000-02-30", "2000-02-29T00:00"):
        with pytest.raises(params.ParameterError, match="d must be a date between 2000-01-01 and 2000-12-31"):
            params.iso_date(bad, name="d", first=first, last=last)


@pytest.mark.parametrize(
    "search", ["a b c", '"a b" c', "it's a 'quoted phrase' x", 'unterminated "quote here', "a\tb\nc"]
)
def test_search_terms_are_counted_as_the_admin_splits_them(search):
    assert len(params.search_terms(search, name="q", max_chars=100, max_terms=100)) == len(list(smart_split(search)))
