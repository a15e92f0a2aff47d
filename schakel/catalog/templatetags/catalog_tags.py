"""Template helpers for the catalogue: Belgian money and the open period."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def euro(value) -> str:
    """€ 1.234.567 (and € 1.234,50 when there are cents), as written in Belgium."""
    if value in (None, ""):
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    whole, cents = divmod(abs(amount), 1)
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if amount < 0 else ""
    if cents:
        return f"€ {sign}{grouped},{int(cents * 100):02d}"
    return f"€ {sign}{grouped}"


@register.filter
def open_today(offering, day) -> bool:
    """Whether `offering` is open on `day` (the list passes today)."""
    return offering.is_open_on(day)
