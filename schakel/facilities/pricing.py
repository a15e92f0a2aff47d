"""The price of a booking: the cheapest combination of days, half days and hours at the
company's tariff (SME or standard), times the places, plus 21% VAT.

- A day is 8 hours and a half day 4 hours of use; a started hour counts as a whole hour only
  through the half-day and day blocks: hours are priced to the minute.
- The SME tariff applies when the company's size class is micro, small or medium.
- Amounts are Decimal and rounded half up to the cent; VAT is computed on the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from schakel.facilities.models import SME_SIZES, Resource

VAT_RATE = Decimal("0.21")
CENT = Decimal("0.01")
DAY_HOURS = Decimal(8)
HALF_DAY_HOURS = Decimal(4)


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def is_sme(company) -> bool:
    return bool(company and company.size_class in SME_SIZES)


@dataclass(frozen=True)
class Quote:
    tariff: str  # "sme" or "standard"
    hours: Decimal
    places: int
    amount_excl_vat: Decimal
    vat_amount: Decimal
    amount_incl_vat: Decimal
    detail: str
    standard_excl_vat: Decimal  # what the standard tariff would cost (shows the SME discount)

    @property
    def discount(self) -> Decimal:
        return self.standard_excl_vat - self.amount_excl_vat

    def as_dict(self) -> dict:
        return {
            "tariff": self.tariff,
            "hours": str(self.hours),
            "places": self.places,
            "amount_excl_vat": str(self.amount_excl_vat),
            "vat_rate": str(VAT_RATE),
            "vat_amount": str(self.vat_amount),
            "amount_incl_vat": str(self.amount_incl_vat),
            "sme_discount": str(self.discount),
            "detail": self.detail,
        }


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def cheapest(hours: Decimal, hour: Decimal | None, half: Decimal | None, day: Decimal | None):
    """(amount, description) of the cheapest way to pay for `hours` with the given rates."""

    def rest(remaining: Decimal) -> list[tuple[Decimal, str]]:
        if remaining <= 0:
            return [(Decimal(0), "")]
        found = []
        if hour is not None:
            found.append((hour * remaining, _("%(hours)s h") % {"hours": _number(remaining)}))
        if half is not None:
            blocks = _ceil(remaining / HALF_DAY_HOURS)
            found.append((half * blocks, _("%(count)s × half day") % {"count": blocks}))
            whole = int(remaining // HALF_DAY_HOURS)
            if hour is not None and whole:
                left = remaining - whole * HALF_DAY_HOURS
                found.append(
                    (
                        half * whole + hour * left,
                        _("%(count)s × half day + %(hours)s h")
                        % {"count": whole, "hours": _number(left)},
                    )
                )
        return found

    if day is None:
        options = rest(hours)
    else:
        options = []
        whole = int(hours // DAY_HOURS)
        for days in (whole, whole + 1):
            label = _("%(count)s × day") % {"count": days} if days else ""
            for amount, text in rest(max(hours - days * DAY_HOURS, Decimal(0))):
                options.append((day * days + amount, " + ".join(t for t in (label, text) if t)))
    options = [option for option in options if option[1]]
    if not options:
        return None
    return min(options, key=lambda option: option[0])


def _number(value: Decimal) -> str:
    text = f"{value.quantize(CENT):f}".rstrip("0").rstrip(".")
    return text or "0"


def rates(resource: Resource, tariff: str):
    return (
        getattr(resource, f"{tariff}_hour"),
        getattr(resource, f"{tariff}_half_day"),
        getattr(resource, f"{tariff}_day"),
    )


def quote(resource: Resource, company, start, end, places: int = 1) -> Quote:
    """The price of booking `resource` from `start` to `end` for `company`."""
    seconds = int((end - start).total_seconds())
    hours = (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.0001"))
    tariff = "sme" if is_sme(company) else "standard"
    chosen = cheapest(hours, *rates(resource, tariff))
    if chosen is None and tariff == "sme":
        # No SME tariff set: the standard one applies.
        tariff = "standard"
        chosen = cheapest(hours, *rates(resource, tariff))
    standard = cheapest(hours, *rates(resource, "standard"))
    if chosen is None:
        amount, detail = Decimal(0), _("free of charge")
    else:
        amount, detail = chosen
    amount = money(amount * places)
    standard_amount = money(standard[0] * places) if standard else amount
    vat = money(amount * VAT_RATE)
    if places > 1:
        detail = _("%(detail)s × %(places)s places") % {"detail": detail, "places": places}
    return Quote(
        tariff=tariff,
        hours=hours.quantize(CENT),
        places=places,
        amount_excl_vat=amount,
        vat_amount=vat,
        amount_incl_vat=amount + vat,
        detail=detail[:300],
        standard_excl_vat=max(standard_amount, amount),
    )


def cancellation_fee(booking, now) -> Decimal:
    """The fee for cancelling `booking` at `now` under its resource's policy.

    Free while the booking is still a request, or until the free-cancellation limit before the
    start; after that the resource's late-cancellation percentage of the booking's price.
    """
    from schakel.facilities.models import BookingStatus

    if booking.status == BookingStatus.REQUESTED:
        return Decimal("0.00")
    resource = booking.resource
    hours_before = Decimal((booking.start - now).total_seconds()) / Decimal(3600)
    if hours_before >= resource.free_cancellation_hours:
        return Decimal("0.00")
    return money(booking.amount_excl_vat * resource.late_cancellation_percent / Decimal(100))
