"""iCalendar (RFC 5545) export of the compliance calendar: all-day events, CRLF lines folded at 75 octets."""

import datetime
from collections.abc import Callable, Iterable

from .calendar import CalendarEvent

PRODID = "-//Prospectus Portal//Compliance calendar//EN"


def escape(text: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on lines starting with a space (never split a character)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def render_ics(
    events: Iterable[CalendarEvent],
    *,
    stamp: datetime.datetime,
    name: str = "Prospectus Portal: compliance deadlines",
    url_for: Callable[[CalendarEvent], str | None] = lambda event: None,
) -> str:
    stamp_text = stamp.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-PUBLISHED-TTL:PT6H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
    ]
    for event in events:
        numbers = ", ".join(event.file_numbers)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{event.on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.on + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(event.title)}",
            f"DESCRIPTION:{escape(f'{event.description} Registration No. {numbers}.')}",
            f"CATEGORIES:{escape(event.kind.replace('_', ' '))}",
            "TRANSP:TRANSPARENT",
        ]
        url = url_for(event)
        if url:
            lines.append(f"URL:{url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
