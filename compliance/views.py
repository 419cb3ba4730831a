"""Staff pages: the compliance dashboard, the 90-day calendar and its iCalendar feed."""

import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_GET

from offerings.domain.calendar import FIRST_YEAR, LAST_YEAR
from offerings.domain.findings import Severity
from offerings.selectors.records import edgar_today

from . import selectors
from .calendar import calendar_events
from .ics import render_ics

CALENDAR_DAYS = 90

# Finding subject -> (app label, model name) of its admin change page.
SUBJECT_MODELS = {
    "registration": ("offerings", "registrationstatement"),
    "registered_amount": ("offerings", "registeredamount"),
    "periodic_report": ("offerings", "periodicreport"),
    "selling_stockholder": ("offerings", "sellingstockholder"),
    "late_filing_notice": ("compliance", "latefilingnotice"),
    "closure_day": ("compliance", "closureday"),
}


def admin_url(subject: str, subject_id: int | None) -> str | None:
    """The admin change page of a finding's record, or None when that record has no admin page."""
    if subject_id is None:
        return None
    app_label, model = SUBJECT_MODELS.get(subject, ("offerings", subject.replace("_", "")))
    try:
        return reverse(f"admin:{app_label}_{model}_change", args=[subject_id])
    except NoReverseMatch:
        return None


def _as_of(request: HttpRequest) -> datetime.date | HttpResponse:
    value = request.GET.get("as_of")
    if not value:
        return edgar_today()
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return HttpResponseBadRequest(f"as_of: {value!r} is not a date; use YYYY-MM-DD.", content_type="text/plain")
    if not FIRST_YEAR <= day.year <= LAST_YEAR - 1:
        return HttpResponseBadRequest(
            f"as_of: {value} is outside {FIRST_YEAR} to {LAST_YEAR - 1}.", content_type="text/plain"
        )
    return day


def feed_token(user) -> str:
    """A calendar app cannot log in, so the feed URL carries a per-user token. It changes (and old URLs stop
    working) when the user's password changes or the user stops being staff."""
    return salted_hmac(
        "compliance.calendar-feed", f"{user.pk}:{user.password}:{user.is_staff}", algorithm="sha256"
    ).hexdigest()


def feed_url(request: HttpRequest, user) -> str:
    return request.build_absolute_uri(reverse("compliance:calendar_ics") + f"?user={user.pk}&token={feed_token(user)}")


FINDINGS_PERMISSION = "compliance.view_findings"


@require_GET
@staff_member_required
@permission_required(FINDINGS_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    if isinstance(as_of, HttpResponse):
        return as_of
    rows = []
    for row in selectors.dashboard_rows(as_of=as_of):
        finding = row.finding
        url = admin_url(finding.subject, finding.subject_id) or admin_url("registration", row.registrations[0].pk)
        registrations = [(r, admin_url("registration", r.pk)) for r in row.registrations]
        label = f"{finding.subject.replace('_', ' ').capitalize()} #{finding.subject_id}"
        rows.append({"finding": finding, "url": url, "label": label, "registrations": registrations})
    counts = {str(s): sum(r["finding"].severity == s for r in rows) for s in Severity}
    return render(
        request,
        "compliance/dashboard.html",
        {"title": "Compliance dashboard", "rows": rows, "as_of": as_of, "counts": counts},
    )


@require_GET
@staff_member_required
@permission_required(FINDINGS_PERMISSION, raise_exception=True)
def calendar(request: HttpRequest) -> HttpResponse:
    start = _as_of(request)
    if isinstance(start, HttpResponse):
        return start
    events = [
        {"event": e, "url": admin_url(e.subject, e.subject_id)}
        for e in calendar_events(start=start, days=CALENDAR_DAYS)
    ]
    return render(
        request,
        "compliance/calendar.html",
        {
            "title": f"Compliance calendar: the next {CALENDAR_DAYS} days",
            "events": events,
            "start": start,
            "end": start + datetime.timedelta(days=CALENDAR_DAYS),
            "feed_url": feed_url(request, request.user),
        },
    )


def _feed_user(request: HttpRequest):
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return request.user if request.user.has_perm(FINDINGS_PERMISSION) else None
    user_id, token = request.GET.get("user", ""), request.GET.get("token", "")
    if not user_id.isdigit() or not token:
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True, is_staff=True).first()
    if user is None or not constant_time_compare(token, feed_token(user)) or not user.has_perm(FINDINGS_PERMISSION):
        return None
    return user


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The calendar as iCalendar; staff signed in, or a calendar app holding a staff member's feed URL."""
    if _feed_user(request) is None:
        response = HttpResponse("Sign in as staff, or use the feed address from the calendar page.", status=403)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    start = _as_of(request)
    if isinstance(start, HttpResponse):
        return start
    events = calendar_events(start=start, days=CALENDAR_DAYS)

    def url_for(event):
        path = admin_url(event.subject, event.subject_id)
        return request.build_absolute_uri(path) if path else None

    body = render_ics(events, stamp=timezone.now(), url_for=url_for)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="compliance-calendar.ics"'
    response["Cache-Control"] = "private, max-age=0"
    return response
