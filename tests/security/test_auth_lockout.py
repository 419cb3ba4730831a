"""Sign-in lockout (django-axes): after PORTAL_LOGIN_FAILURE_LIMIT failures of one username from one address,
even the right password gets the lockout page (429) until the cool-off passes; each failure and lockout is an
audit event, and no password reaches the audit trail."""

import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify
from audit.logins import MAX_USERNAME_LENGTH
from audit.models import Event, LogEntry
from portal.auth import check_settings
from tests.security.auth_helpers import PASSWORD, WRONG_PASSWORD, events, sign_in, signed_in

LIMIT = 3


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("dana", "dana@example.com", PASSWORD, is_staff=True)


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.PORTAL_LOGIN_FAILURE_LIMIT = LIMIT


def fail(client, times: int, username: str = "dana", **extra) -> list:
    return [sign_in(client, username, WRONG_PASSWORD, **extra) for _ in range(times)]


def test_after_the_failure_limit_the_right_password_gets_the_lockout_page(client, staff):
    responses = fail(client, LIMIT)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    response = sign_in(client, "dana", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked" in page and "Traceback" not in page
    assert f"({LIMIT} in a row)" in page and "30 minutes" in page
    assert 'style="' not in page and "<script>" not in page and "<style" not in page
    assert not signed_in(client)


def test_the_failures_and_the_lockout_are_in_the_audit_trail_without_any_password(client, staff):
    fail(client, LIMIT)
    sign_in(client, "dana", PASSWORD)
    failed = events(Event.LOGIN_FAILED)
    assert [e.object_pk for e in failed] == [str(staff.pk)] * (LIMIT + 1)
    assert [e.additional_data["reason"] for e in failed] == ["wrong username or password"] * LIMIT + ["locked out"]
    assert all(e.actor_id is None and e.actor_name == "anonymous sign-in attempt" for e in failed)
    assert failed[0].remote_addr == "127.0.0.1"
    locked = events(Event.LOCKED_OUT)
    assert locked and locked[0].object_pk == str(staff.pk)
    assert locked[0].additional_data == {"username": "dana", "ip_address": "127.0.0.1", "failures": LIMIT}
    stored = json.dumps([e.additional_data for e in LogEntry.objects.all()]) + " ".join(
        str(e.changes) for e in LogEntry.objects.all()
    )
    assert WRONG_PASSWORD not in stored and PASSWORD not in stored


def test_the_lockout_is_kept_in_the_database_and_ends_after_the_cool_off(client, staff, settings):
    fail(client, LIMIT)
    attempt = AccessAttempt.objects.get(username="dana")
    assert attempt.failures_since_start == LIMIT and attempt.ip_address == "127.0.0.1"
    assert sign_in(client, "dana", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=settings.PORTAL_LOGIN_COOLOFF_MINUTES, seconds=1)
    )
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    assert signed_in(client)


def test_attempts_during_a_lockout_do_not_extend_it(client, staff):
    fail(client, LIMIT)
    first = AccessAttempt.objects.get(username="dana")
    fail(client, 3)
    again = AccessAttempt.objects.get(username="dana")
    assert again.attempt_time == first.attempt_time and again.failures_since_start == LIMIT


def test_the_lockout_is_per_username_and_address_combination(client, staff, django_user_model):
    django_user_model.objects.create_user("erin", password=PASSWORD, is_staff=True)
    fail(client, LIMIT)
    assert sign_in(client, "erin", PASSWORD).status_code == 302  # another username from the same address
    client.logout()
    assert sign_in(client, "dana", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302  # another address


def test_a_success_before_the_limit_clears_the_failures(client, staff):
    fail(client, LIMIT - 1)
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    client.logout()
    fail(client, LIMIT - 1)
    assert sign_in(client, "dana", PASSWORD).status_code == 302


def test_an_untrusted_x_forwarded_for_does_not_change_the_address_counted(client, staff):
    for n in range(LIMIT):
        sign_in(client, "dana", WRONG_PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    assert sign_in(client, "dana", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, staff, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    fail(client, LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert sign_in(client, "dana", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_in(client, "dana", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_a_failure_for_an_unknown_username_is_recorded_on_the_user_model(client, db):
    fail(client, 1, username="nobody")
    (entry,) = events(Event.LOGIN_FAILED)
    assert entry.content_type.model == "user" and entry.object_pk == "" and entry.object_id is None
    assert entry.object_repr == "no account 'nobody'"
    assert entry.additional_data["username"] == "nobody"


def test_the_stored_username_is_bounded_and_printable(db):
    user_login_failed.send(sender=__name__, credentials={"username": "x\x00\n" * 1000, "password": "secret"})
    (entry,) = events(Event.LOGIN_FAILED)
    assert entry.additional_data["username"] == "x" * MAX_USERNAME_LENGTH
    assert "secret" not in json.dumps(entry.additional_data)


def test_an_overlong_username_is_a_form_error_not_a_server_error(client, db):
    response = sign_in(client, "u" * 20_000, WRONG_PASSWORD)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "u" * MAX_USERNAME_LENGTH


def test_a_failure_limit_below_one_stops_the_portal_starting(settings):
    settings.PORTAL_LOGIN_FAILURE_LIMIT = 0
    (error,) = check_settings()
    assert error.id == "portal.E001" and "PORTAL_LOGIN_FAILURE_LIMIT" in error.msg


def test_entries_for_unknown_usernames_show_in_the_audit_admin_and_keep_the_chain(client, django_user_model):
    fail(client, 1, username="nobody")
    (entry,) = events(Event.LOGIN_FAILED)
    counsel = django_user_model.objects.create_superuser("counsel", "counsel@example.com", PASSWORD)
    client.force_login(counsel)
    listing = client.get(reverse("admin:audit_logentry_changelist"))
    assert listing.status_code == 200 and "no account &#x27;nobody&#x27;" in listing.content.decode()
    assert client.get(reverse("admin:audit_logentry_change", args=[entry.pk])).status_code == 200
    assert verify().ok
