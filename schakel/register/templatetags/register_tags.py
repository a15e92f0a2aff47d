"""Template helpers for the register: money, enterprise numbers, timeline icons."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

from schakel.core.validators import format_enterprise_number

register = template.Library()

ACTIVITY_ICONS = {
    "note": "bi-journal-text",
    "call": "bi-telephone",
    "meeting": "bi-people",
    "email": "bi-envelope",
    "question": "bi-question-circle",
    "case": "bi-folder2-open",
    "referral": "bi-arrow-right-circle",
    "booking": "bi-calendar-check",
    "lease": "bi-building",
    "funding": "bi-cash-coin",
    "import": "bi-cloud-arrow-down",
}

ORGANISATION_STATUS_BADGES = {
    "active": "text-bg-success",
    "pending": "text-bg-warning",
    "ceased": "text-bg-secondary",
}


@register.filter
def money(value):
    """An amount in euro the Belgian way: € 1.234,56 (empty for no amount)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return f"€\u00a0{floatformat(amount, '2g')}"


@register.filter
def enterprise_number(value):
    """Ten digits shown as 0123.456.789."""
    return format_enterprise_number(value or "")


@register.filter
def activity_icon(kind):
    return ACTIVITY_ICONS.get(kind, "bi-dot")


@register.filter
def status_badge(status):
    return ORGANISATION_STATUS_BADGES.get(status, "text-bg-light")


@register.filter
def audit_value(value):
    """An old or new value in the audit log, readable (lists joined, empty shown as —)."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return value
