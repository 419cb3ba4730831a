"""iCalendar (RFC 5545) export of the compliance calendar, written by the ``icalendar`` library: all-day events.

Rule: record text never becomes a property line of its own. ``icalendar`` escapes every TEXT value (backslash,
semicolon, comma, line breaks: a CR LF, a lone CR or a lone LF becomes ``\\n``) and folds lines at 75 octets;
other control characters, which RFC 5545 TEXT does not allow, are dropped before the value is added.
"""

import datetime
import re
from collections.abc import Callable, Iterable

from icalendar import Calendar, Event

from .calendar import CalendarEvent

PRODID = "-//Prospectus Portal//Compliance calendar//EN"
# RFC 5545 3.3.11: TEXT holds no control character but HTAB; line breaks are kept (and escaped by icalendar).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text(value: str) -> str:
    """``value`` as iCalendar TEXT: control characters dropped, line breaks and tabs kept."""
    return _CONTROLS.sub("", str(value))


def render_ics(
    events: Iterable[CalendarEvent],
    *,
    stamp: datetime.datetime,
    name: str = "Prospectus Portal: compliance deadlines",
    url_for: Callable[[CalendarEvent], str | None] = lambda event: None,
) -> str:
    """The calendar: one all-day VEVENT per event, with UID, DTSTAMP, DTSTART;VALUE=DATE, DTEND, SUMMARY,
    DESCRIPTION (naming the registrations), CATEGORIES and, where ``url_for`` gives one, URL."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(name))
    calendar.add("x-published-ttl", "PT6H")
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = stamp.astimezone(datetime.UTC)
    for event in events:
        calendar.add_component(_event(event, stamp=stamp, url=url_for(event)))
    return calendar.to_ical().decode("utf-8")


def _event(event: CalendarEvent, *, stamp: datetime.datetime, url: str | None) -> Event:
    numbers = ", ".join(event.file_numbers)
    item = Event()
    item.add("uid", text(event.uid))
    item.add("dtstamp", stamp)
    item.add("dtstart", event.on)
    item.add("dtend", event.on + datetime.timedelta(days=1))
    item.add("summary", text(event.title))
    item.add("description", text(f"{event.description} Registration No. {numbers}."))
    item.add("categories", [text(event.kind.replace("_", " "))])
    item.add("transp", "TRANSPARENT")
    if url:
        item.add("url", _CONTROLS.sub("", url).replace("\r", "").replace("\n", ""))
    return item
