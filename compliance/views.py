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

from offerings.domain.calendar import AS_OF_FIRST, AS_OF_LAST, OutOfRangeError
from offerings.domain.findings import Severity
from offerings.selectors.records import edgar_today
from offerings.site import base_url
from safety import params

from . import selectors
from .calendar import calendar_events
from .ics import render_ics

CALENDAR_DAYS = 90
# A calendar feed's user id (a primary key) and token (a SHA-256 HMAC in hex).
FEED_USER_MAX = 2**63 - 1
FEED_TOKEN_MAX_CHARS = 64


def admin_url(subject: str, subject_id: int | None) -> str | None:
    """The admin change page of a finding's record, or None when that record has no admin page."""
    if subject_id is None:
        return None
    app_label, model = selectors.subject_model(subject)
    try:
        return reverse(f"admin:{app_label}_{model}_change", args=[subject_id])
    except NoReverseMatch:
        return None


def bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def _as_of(request: HttpRequest) -> datetime.date | HttpResponse:
    """``?as_of=YYYY-MM-DD`` within ``AS_OF_FIRST``..``AS_OF_LAST`` (default: today on EDGAR's clock), or a 400."""
    try:
        day = params.iso_date(request.GET.get("as_of"), name="as_of", first=AS_OF_FIRST, last=AS_OF_LAST)
    except params.ParameterError as error:
        return bad_request(error.message)
    return day or edgar_today()


def _beyond_calendar(as_of: datetime.date, error: OutOfRangeError) -> HttpResponse:
    """A 400, not a 500, when the records' own dates carry a computation from ``as_of`` past the calendar."""
    reason = str(error).rstrip(".")
    return bad_request(
        f"as_of: from {as_of.isoformat()} the deadlines reach a day outside the business-day calendar ({reason}); "
        "choose an earlier as_of."
    )


def feed_token(user) -> str:
    """A calendar app cannot log in, so the feed URL carries a per-user token. It changes (and old URLs stop
    working) when the user's password changes or the user stops being staff."""
    return salted_hmac(
        "compliance.calendar-feed", f"{user.pk}:{user.password}:{user.is_staff}", algorithm="sha256"
    ).hexdigest()


def feed_url(request: HttpRequest, user) -> str:
    """The user's calendar feed address, on the portal's one base URL (``offerings.site.base_url``)."""
    return base_url() + reverse("compliance:calendar_ics") + f"?user={user.pk}&token={feed_token(user)}"


FINDINGS_PERMISSION = "compliance.view_findings"


@require_GET
@staff_member_required
@permission_required(FINDINGS_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    if isinstance(as_of, HttpResponse):
        return as_of
    try:
        found = selectors.dashboard_rows(as_of=as_of)
    except OutOfRangeError as error:
        return _beyond_calendar(as_of, error)
    rows = []
    labels = selectors.subject_labels(row.finding for row in found)
    for row in found:
        finding = row.finding
        url = admin_url(finding.subject, finding.subject_id) or admin_url("registration", row.registrations[0].pk)
        registrations = [(r, admin_url("registration", r.pk)) for r in row.registrations]
        label = selectors.subject_label(finding, labels)
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
    try:
        found = calendar_events(start=start, days=CALENDAR_DAYS)
    except OutOfRangeError as error:
        return _beyond_calendar(start, error)
    events = [{"event": e, "url": admin_url(e.subject, e.subject_id)} for e in found]
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
    """The staff user signed in, or the one whose ``?user=&token=`` the feed URL carries (range-checked first:
    a malformed one raises ``params.ParameterError``); None when neither may read the findings."""
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return request.user if request.user.has_perm(FINDINGS_PERMISSION) else None
    user_id = params.whole_number(request.GET.get("user"), name="user", minimum=1, maximum=FEED_USER_MAX)
    token = params.bounded_text(request.GET.get("token"), name="token", max_chars=FEED_TOKEN_MAX_CHARS)
    if user_id is None or not token:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not constant_time_compare(token, feed_token(user)) or not user.has_perm(FINDINGS_PERMISSION):
        return None
    return user


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The calendar as iCalendar; staff signed in, or a calendar app holding a staff member's feed URL."""
    try:
        user = _feed_user(request)
    except params.ParameterError as error:
        return bad_request(error.message)
    if user is None:
        response = HttpResponse("Sign in as staff, or use the feed address from the calendar page.", status=403)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    start = _as_of(request)
    if isinstance(start, HttpResponse):
        return start
    try:
        events = calendar_events(start=start, days=CALENDAR_DAYS)
    except OutOfRangeError as error:
        return _beyond_calendar(start, error)

    def url_for(event):
        path = admin_url(event.subject, event.subject_id)
        return request.build_absolute_uri(path) if path else None

    body = render_ics(events, stamp=timezone.now(), url_for=url_for)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="compliance-calendar.ics"'
    response["Cache-Control"] = "private, max-age=0"
    return response
