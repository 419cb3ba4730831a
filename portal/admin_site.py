"""The staff's admin site: django-otp's ``OTPAdminSite`` rules, switched on by ``PORTAL_REQUIRE_MFA``.

With the setting on, the sign-in form asks for the code of the user's TOTP device (or, choosing the device, one
of their recovery codes), and only a session verified by a device may use the admin. A staff user with no
confirmed device is refused at sign-in and told to have an administrator enrol one (``manage.py enrol_totp``):
the admin never lets a user enrol a device on the strength of a password alone. A wrong code counts as a failed
sign-in, towards the lockout. With the setting off (development, tests) the site is Django's own.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse_lazy
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from .auth import mfa_required

OTP_LOGIN_TEMPLATE = "security/otp_login.html"
# Refusals after a correct password that count towards the lockout (not "enter your code", a form prompt).
COUNTED_OTP_ERRORS = {"invalid_token", "no_device", "n_failed_attempts", "verification_not_allowed"}


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    """Username, password and the code of a second factor; the TOTP device unless the user picks another."""

    otp_token = forms.CharField(
        required=False,
        max_length=16,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the 6-digit code from your authenticator app.",
        "invalid_token": "That code is not valid. Enter the current code from your authenticator app.",
        "no_device": (
            "Your account has no second-factor device, so it cannot sign in to the admin. Ask an administrator "
            "to enrol one for you (manage.py enrol_totp <username>)."
        ),
    }

    def clean_otp(self, user) -> None:
        if user is None:
            return
        try:
            if not any(True for _ in devices_for_user(user, confirmed=True)):
                raise forms.ValidationError(self.otp_error_messages["no_device"], code="no_device")
            super().clean_otp(user)
        except forms.ValidationError as error:
            code = getattr(error, "code", None) or _code_of(error, self.otp_error_messages)
            if code in COUNTED_OTP_ERRORS:
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": user.get_username()},
                    request=self.request,
                    reason=f"second factor: {code.replace('_', ' ')}",
                )
            raise

    def _update_form(self, user) -> None:
        """List the user's devices when the code was refused, but never write the password back into the page
        (django-otp would)."""
        super()._update_form(user)
        self.fields["password"].widget.render_value = False

    def _chosen_device(self, user):
        """The device the user chose, or else their first confirmed TOTP device (never every device in turn)."""
        if self.cleaned_data.get("otp_device"):
            return super()._chosen_device(user)
        return TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk").first()


def _code_of(error: forms.ValidationError, messages: dict) -> str | None:
    """The code of a django-otp refusal raised without one (throttled verification)."""
    text = " ".join(error.messages)
    if "failed attempt" in text:
        return "n_failed_attempts"
    if text == str(messages["verification_not_allowed"]):
        return "verification_not_allowed"
    return None


class PortalAdminSite(admin.AdminSite):
    """``AdminSite``, or with ``PORTAL_REQUIRE_MFA`` django-otp's ``OTPAdminSite`` (read at each request);
    branded Prospectus Portal, "View site" opening the compliance dashboard, the home listing what needs
    attention today (``portal.home``)."""

    site_header = "Prospectus Portal"
    site_title = "Prospectus Portal"
    index_title = "Prospectus Portal"
    site_url = reverse_lazy("compliance:dashboard")

    def index(self, request, extra_context=None):
        from .home import attention_today

        context = {"attention": attention_today(user=request.user), **(extra_context or {})}
        return super().index(request, context)

    @property
    def login_form(self):
        return StaffAuthenticationForm if mfa_required() else None

    @property
    def login_template(self):
        return OTP_LOGIN_TEMPLATE if mfa_required() else None

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if not mfa_required():
            return True
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())
