"""Second factor (django-otp, TOTP): with PORTAL_REQUIRE_MFA the admin signs in only with the password and a
valid code of a confirmed device; staff without a device are refused and told to have one enrolled; a session
no device verified is ended. ``enrol_totp`` enrols a device; production requires MFA by default."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Event
from offerings.services.staff import enrol_totp
from tests.actors import TEST_ACTOR
from tests.conftest import ROOT
from tests.security.auth_helpers import PASSWORD, current_code, events, sign_in, signed_in


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("dana", "dana@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def device(staff):
    return enrol_totp(actor=TEST_ACTOR, user=staff, recovery_codes=0).device


@pytest.fixture(autouse=True)
def _mfa(settings):
    settings.PORTAL_REQUIRE_MFA = True


def test_the_sign_in_page_asks_for_a_code(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in page and 'style="' not in page and "<script>" not in page


def test_staff_with_a_device_signs_in_with_a_valid_code(client, device):
    response = sign_in(client, "dana", PASSWORD, otp_token=current_code(device))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    (entry,) = events(Event.LOGGED_IN)
    assert entry.actor_name == "dana" and entry.additional_data == {"second_factor": "TOTP device 'authenticator'"}


def test_without_a_code_the_password_alone_is_refused(client, device):
    response = sign_in(client, "dana", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    assert "Enter the 6-digit code" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, device):
    wrong = str((int(current_code(device)) + 1) % 1_000_000).zfill(6)
    response = sign_in(client, "dana", PASSWORD, otp_token=wrong)
    assert response.status_code == 200 and not signed_in(client)
    page = response.content.decode()
    assert "That code is not valid" in page and PASSWORD not in page
    (entry,) = events(Event.LOGIN_FAILED)
    assert entry.additional_data == {"username": "dana", "reason": "second factor: invalid token"}


def test_wrong_codes_lock_the_sign_in_out(client, device, settings):
    settings.PORTAL_LOGIN_FAILURE_LIMIT = 2
    for token in ("000000", "111111"):
        last = sign_in(client, "dana", PASSWORD, otp_token=token)
    assert last.status_code == 429
    assert sign_in(client, "dana", PASSWORD, otp_token=current_code(device)).status_code == 429
    assert not signed_in(client)


def test_staff_without_a_device_are_refused_and_told_to_have_one_enrolled(client, staff):
    response = sign_in(client, "dana", PASSWORD, otp_token="123456")
    assert response.status_code == 200 and not signed_in(client)
    page = response.content.decode()
    assert "no second-factor device" in page and "enrol_totp" in page
    assert events(Event.LOGIN_FAILED)[0].additional_data["reason"] == "second factor: no device"


def test_an_unconfirmed_device_does_not_count(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=False)
    response = sign_in(client, "dana", PASSWORD, otp_token=current_code(device))
    assert not signed_in(client) and "no second-factor device" in response.content.decode()


def test_a_session_no_device_verified_is_ended(client, staff):
    client.force_login(staff)  # as a session begun before MFA was required
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not signed_in(client)
    assert events(Event.LOGGED_OUT)[-1].additional_data == {"reason": "no second factor"}


def test_a_recovery_code_signs_in_once(client, staff):
    enrolment = enrol_totp(actor=TEST_ACTOR, user=staff, recovery_codes=2)
    recovery = StaticDevice.objects.get(user=staff)
    code = enrolment.recovery_codes[0]
    assert sign_in(client, "dana", PASSWORD, otp_device=recovery.persistent_id, otp_token=code).status_code == 302
    client.logout()
    assert sign_in(client, "dana", PASSWORD, otp_device=recovery.persistent_id, otp_token=code).status_code == 200
    assert not signed_in(client)


def test_another_users_device_cannot_be_chosen(client, staff, django_user_model):
    other = django_user_model.objects.create_user("erin", password=PASSWORD, is_staff=True)
    theirs = enrol_totp(actor=TEST_ACTOR, user=other, recovery_codes=0).device
    enrol_totp(actor=TEST_ACTOR, user=staff, recovery_codes=0)
    sign_in(client, "dana", PASSWORD, otp_device=theirs.persistent_id, otp_token=current_code(theirs))
    assert not signed_in(client)


def test_without_mfa_required_the_password_is_enough(client, staff, settings):
    settings.PORTAL_REQUIRE_MFA = False
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def run_enrol(*args: str) -> str:
    out = io.StringIO()
    call_command("enrol_totp", *args, stdout=out)
    return out.getvalue()


def test_enrol_totp_prints_the_uri_a_qr_code_and_recovery_codes_once(staff):
    output = run_enrol("dana", "--recovery-codes", "3")
    device = TOTPDevice.objects.get(user=staff, confirmed=True)
    assert device.config_url in output and output.count("otpauth://totp/Prospectus%20Portal%3Adana?") == 1
    assert "issuer=Prospectus%20Portal" in output
    assert "\u2588" in output or "\u2580" in output  # the QR code, drawn in block characters
    codes = list(StaticDevice.objects.get(user=staff).token_set.values_list("token", flat=True))
    assert len(codes) == 3 and all(code in output for code in codes)
    (entry,) = events(Event.MFA_ENROLLED)
    assert entry.actor_name == "command enrol_totp" and entry.object_pk == str(staff.pk)
    assert entry.additional_data == {"device": "authenticator", "recovery_codes": 3, "replaced_devices": 0}
    assert device.key not in str(entry.additional_data)


def test_enrol_totp_refuses_a_second_device_unless_replacing(staff):
    run_enrol("dana", "--no-qr")
    with pytest.raises(CommandError, match="has a TOTP device already"):
        run_enrol("dana")
    first = TOTPDevice.objects.get(user=staff)
    assert "replacing 1" in run_enrol("dana", "--replace", "--no-qr")
    assert list(TOTPDevice.objects.filter(user=staff).values_list("pk", flat=True)) != [first.pk]
    assert TOTPDevice.objects.filter(user=staff).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "No user 'nobody'"),
        (["dana", "--recovery-codes", "500"], "from 0 to 20"),
        (["dana", "--name", "x" * 65], "1 to 64 characters"),
    ],
)
def test_enrol_totp_names_what_is_wrong(staff, args, message):
    with pytest.raises(CommandError, match=message):
        run_enrol(*args)
    assert not TOTPDevice.objects.exists()


def test_enrol_totp_refuses_a_user_who_is_not_staff(django_user_model):
    django_user_model.objects.create_user("visitor", password=PASSWORD)
    with pytest.raises(CommandError, match="not an active staff user"):
        run_enrol("visitor")


def _settings_value(settings_module: str, name: str, tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORTAL_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_SECRET_KEY": "s" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        **env,
    }
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_requires_mfa_by_default(tmp_path):
    assert _settings_value("portal.settings.production", "PORTAL_REQUIRE_MFA", tmp_path) == "True"
    off = _settings_value("portal.settings.production", "PORTAL_REQUIRE_MFA", tmp_path, PORTAL_REQUIRE_MFA="false")
    assert off == "False"


def test_development_does_not_require_mfa(tmp_path):
    assert _settings_value("portal.settings.dev", "PORTAL_REQUIRE_MFA", tmp_path) == "False"
