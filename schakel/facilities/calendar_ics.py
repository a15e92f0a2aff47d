"""iCalendar feeds (RFC 5545) of bookings: per resource and per company user.

Times are written in UTC (`...Z`), lines end in CRLF and are folded at 75 octets, and text is
escaped as section 3.3.11 demands, so any calendar client can subscribe.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from schakel.facilities.models import Booking, BookingStatus

PRODID = "-//POM West-Vlaanderen//Schakel facilities//NL"


def escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, continued with CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size, limit = [], "", 0, 75
    for char in line:
        length = len(char.encode("utf-8"))
        if size + length > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += length
    parts.append(current)
    return "\r\n ".join(parts)


def stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(booking: Booking, show_company: bool) -> list[str]:
    resource = booking.resource
    summary = resource.name
    if show_company:
        summary = f"{resource.name}: {booking.company.name}"
    status = "TENTATIVE" if booking.status == BookingStatus.REQUESTED else "CONFIRMED"
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        status = "CANCELLED"
    facility = resource.facility
    location = f"{facility.name}, {facility.address}" if facility.address else facility.name
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "schakel"
    lines = [
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{host}",
        f"DTSTAMP:{stamp(booking.updated_at)}",
        f"DTSTART:{stamp(booking.start)}",
        f"DTEND:{stamp(booking.end)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(location)}",
        f"STATUS:{status}",
        f"DESCRIPTION:{escape(booking.get_status_display() + ' – ' + booking.price_detail)}",
        "END:VEVENT",
    ]
    return lines


def render_calendar(name: str, bookings, show_company: bool) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for booking in bookings:
        lines.extend(event_lines(booking, show_company))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def parse(text: str) -> list[dict]:
    """Read the events back (unfold, split properties): used by tests and the bench."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    events, current = [], None
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key.split(";")[0]] = value
    return events
