"""Session timeouts: a staff session ends PORTAL_SESSION_IDLE_MINUTES after its last request and
PORTAL_SESSION_ABSOLUTE_HOURS after sign-in however active, and with the browser; each end is an audit event."""

import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from audit.models import Event
from portal.auth import check_settings
from portal.sessions import LAST_SEEN_AT, LAST_SEEN_STEP_SECONDS, SIGNED_IN_AT
from tests.security.auth_helpers import PASSWORD, events, sign_in, signed_in


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("dana", "dana@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    return client


def shift(client, **seconds_ago: float) -> None:
    """Move the session's stored times into the past (``signed_in``, ``last_seen``: seconds before now)."""
    session = client.session
    now = time.time()
    if "signed_in" in seconds_ago:
        session[SIGNED_IN_AT] = now - seconds_ago["signed_in"]
    if "last_seen" in seconds_ago:
        session[LAST_SEEN_AT] = now - seconds_ago["last_seen"]
    session.save()


def test_an_idle_session_is_logged_out(staff_client, settings):
    shift(staff_client, last_seen=settings.PORTAL_SESSION_IDLE_MINUTES * 60 + 1)
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not signed_in(staff_client)
    assert events(Event.LOGGED_OUT)[-1].additional_data == {"reason": "idle timeout"}


def test_activity_keeps_a_session_alive(staff_client, settings):
    shift(staff_client, last_seen=settings.PORTAL_SESSION_IDLE_MINUTES * 60 - 5)
    assert staff_client.get(reverse("admin:index")).status_code == 200
    assert time.time() - staff_client.session[LAST_SEEN_AT] < 5
    assert staff_client.session.get_expiry_age() == settings.PORTAL_SESSION_IDLE_MINUTES * 60


def test_a_burst_of_requests_writes_the_session_once_not_once_each(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shift(staff_client, last_seen=LAST_SEEN_STEP_SECONDS + 1)
    with CaptureQueriesContext(connection) as first:
        staff_client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as second:
        staff_client.get(reverse("admin:index"))
    writes = [
        [q for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
        for queries in (first, second)
    ]
    assert len(writes[0]) == 1 and writes[1] == []
    assert time.time() - staff_client.session[LAST_SEEN_AT] < LAST_SEEN_STEP_SECONDS


def test_a_session_past_the_absolute_limit_is_logged_out_however_active(staff_client, settings):
    shift(staff_client, signed_in=settings.PORTAL_SESSION_ABSOLUTE_HOURS * 3600 + 1, last_seen=1)
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 302 and not signed_in(staff_client)
    assert events(Event.LOGGED_OUT)[-1].additional_data == {"reason": "absolute timeout"}


def test_the_limits_are_read_from_the_settings(staff_client, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 1
    shift(staff_client, last_seen=61)
    assert staff_client.get(reverse("admin:index")).status_code == 302


def test_signing_in_stamps_the_session_and_is_audited(client, staff):
    before = time.time()
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    assert client.session[SIGNED_IN_AT] >= before and client.session[LAST_SEEN_AT] >= before
    (entry,) = events(Event.LOGGED_IN)
    assert entry.actor_name == "dana" and entry.remote_addr == "127.0.0.1"


def test_a_session_without_a_stamp_is_stamped_at_its_first_request(staff_client):
    session = staff_client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert staff_client.get(reverse("admin:index")).status_code == 200
    assert time.time() - staff_client.session[SIGNED_IN_AT] < 5


def test_signing_out_is_audited(staff_client, staff):
    staff_client.post(reverse("admin:logout"))
    (entry,) = events(Event.LOGGED_OUT)
    assert entry.object_pk == str(staff.pk) and entry.additional_data == {"reason": "signed out"}


def test_the_session_cookie_ends_with_the_browser(client, staff):
    response = sign_in(client, "dana", PASSWORD)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_session_limits_below_one_stop_the_portal_starting(settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 0
    settings.PORTAL_SESSION_ABSOLUTE_HOURS = -1
    assert [e.obj for e in check_settings()] == ["PORTAL_SESSION_IDLE_MINUTES", "PORTAL_SESSION_ABSOLUTE_HOURS"]
