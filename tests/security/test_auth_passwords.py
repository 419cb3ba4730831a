"""Passwords pass the validators on every path that sets one: ensure_admin, the admin's user-add and
password-change forms; PORTAL_PASSWORD_MIN_LENGTH (default 12) sets the shortest accepted."""

import io

import pytest
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import Event
from tests.security.auth_helpers import PASSWORD, events, sign_in


def ensure_admin() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("counsel", "counsel@example.com", PASSWORD)


def test_the_minimum_length_is_the_setting(settings):
    (validator,) = [v for v in get_default_password_validators() if type(v).__name__ == "MinimumLengthValidator"]
    assert validator.min_length == settings.PORTAL_PASSWORD_MIN_LENGTH == 12


@pytest.mark.django_db
def test_ensure_admin_refuses_1_naming_the_validators_complaints(monkeypatch, django_user_model):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", "1")
    with pytest.raises(CommandError) as caught:
        ensure_admin()
    message = str(caught.value)
    assert "PORTAL_ADMIN_PASSWORD is too weak" in message
    assert "at least 12 characters" in message and "entirely numeric" in message
    assert not django_user_model.objects.exists()


@pytest.mark.django_db
def test_ensure_admin_refuses_an_otherwise_good_password_one_character_short(monkeypatch, django_user_model):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", "Quartz-7194")  # 11 characters
    with pytest.raises(CommandError, match="at least 12 characters"):
        ensure_admin()


@pytest.mark.django_db
def test_ensure_admin_accepts_a_strong_password_and_the_admin_signs_in(monkeypatch, client, django_user_model):
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", PASSWORD)
    assert "Created staff user 'admin'" in ensure_admin()
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password(PASSWORD)
    assert sign_in(client, "admin", PASSWORD).status_code == 302
    (entry,) = events(Event.LOGGED_IN)
    assert entry.object_pk == str(admin.pk) and entry.actor_name == "admin"


@pytest.mark.django_db
def test_ensure_admin_says_when_a_second_factor_is_needed(monkeypatch, settings):
    settings.PORTAL_REQUIRE_MFA = True
    monkeypatch.setenv("PORTAL_ADMIN_PASSWORD", PASSWORD)
    assert "run manage.py enrol_totp admin" in ensure_admin()


def test_the_admin_user_add_form_refuses_a_weak_password(client, superuser, django_user_model):
    client.force_login(superuser)
    data = {"username": "erin", "usable_password": "true", "password1": "erin2024", "password2": "erin2024"}
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 200 and "at least 12 characters" in response.content.decode()
    assert not django_user_model.objects.filter(username="erin").exists()
    response = client.post(reverse("admin:auth_user_add"), {**data, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and django_user_model.objects.filter(username="erin").exists()


def test_the_admin_password_change_form_refuses_a_weak_password(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = client.post(url, {"usable_password": "true", "password1": "password", "password2": "password"})
    page = response.content.decode()
    assert response.status_code == 200 and "too common" in page and "at least 12 characters" in page
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
