"""Demo infrastructure: the real test facilities, business centres and terminals of the
West-Flanders reference document, linked to their catalogue offerings, with plausible
machines (their key equipment), units and berths, each also a catalogue offering so that
matching recommends it; bookings over the past three and the coming
two months; leases and waiting lists. Fictional companies book and rent.

Idempotent: facilities and resources are upserted by `external_id`; bookings, leases and
waiting-list entries are made once (a second run finds them and adds nothing). The demo user
`facility` (staff) manages the Circular Materials Center and the Huis van de Voeding; the
account manager `staff` manages Ondernemerscentrum Kortrijk and River Terminal Wielsbeke.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from schakel.core.demo import DEMO_PASSWORD, FICTIONAL_SOURCE, reference_data
from schakel.facilities import availability, pricing
from schakel.facilities.models import (
    Booking,
    BookingStatus,
    Facility,
    FacilityKind,
    FacilityManager,
    Lease,
    OpeningHours,
    Resource,
    WaitingListEntry,
)

DEMO_AFTER = ("schakel.catalog", "schakel.accounts")
FACILITY_USERNAME = "facility"
FACILITY_USER_FACILITIES = ("test-circular-materials-center-cmc", "test-huis-van-de-voeding")
STAFF_FACILITIES = ("werkplek-ondernemerscentrum-kortrijk", "terminal-river-terminal-wielsbeke")
DEMO_NOTE = "demo"
BXL = ZoneInfo("Europe/Brussels")


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _tariffs(rng: random.Random) -> dict:
    hour = Decimal(rng.choice([35, 45, 55, 65, 80, 95, 120]))
    return {
        "sme_hour": _money(hour * Decimal("0.7")),
        "standard_hour": _money(hour),
        "sme_half_day": _money(hour * Decimal("0.7") * Decimal("3.5")),
        "standard_half_day": _money(hour * Decimal("3.5")),
        "sme_day": _money(hour * Decimal("0.7") * 6),
        "standard_day": _money(hour * 6),
    }


def _hours(facility, days, opens, closes, resource=None):
    for day in days:
        OpeningHours.objects.get_or_create(
            facility=facility, resource=resource, weekday=day, opens=opens, closes=closes
        )


def _upsert(model, external_id, **values):
    obj, _created = model.objects.update_or_create(external_id=external_id, defaults=values)
    return obj


def _offerings():
    from schakel.catalog.demo import build_records
    from schakel.catalog.models import Offering

    by_id = {o.external_id: o for o in Offering.objects.select_related("provider")}
    return [
        (item, by_id.get(item["id"]))
        for item, *_rest in build_records(reference_data())
        if item["kind"] in ("test_facility", "equipment", "workspace", "terminal")
    ]


def load_facilities() -> dict[str, Facility]:
    """Upsert facilities and resources from the reference data; returns facilities by id."""
    data = reference_data()
    records = {
        "test_facility": {r["name"]: r for r in data.get("test_facilities", [])},
        "workspace": {r["name"]: r for r in data.get("business_centres", [])},
        "terminal": {r["name"]: r for r in data.get("terminals", [])},
    }
    facilities: dict[str, Facility] = {}
    current = None
    equipment_index = 0
    for item, offering in _offerings():
        if offering is None:
            continue
        kind = item["kind"]
        name = item["title"].get("nl") or item["title"].get("en")
        rng = random.Random(_seed(item["id"]))
        if kind == "equipment":
            if current is None:
                continue
            equipment_index += 1
            _upsert(
                Resource,
                item["id"][:80],
                facility=current,
                kind="equipment",
                name=name[:200],
                offering=offering,
                description=offering.description_nl,
                specifications={"Uitrusting": name[:120]},
                requires_approval=equipment_index % 2 == 0,
                operator_required=rng.random() < 0.3,
                required_certificate=""
                if rng.random() < 0.5
                else "Veiligheidsopleiding " + current.name[:60],
                setup_minutes=rng.choice([0, 15, 30]),
                cleanup_minutes=rng.choice([15, 30]),
                max_booking_hours=10,
                **_tariffs(rng),
            )
            continue
        record = records[kind].get(item["title"].get("en") or name) or next(
            (r for n, r in records[kind].items() if n == name), {}
        )
        status = str(record.get("status") or "")
        active = not ("te koop" in status or "gepland" in status)
        facility_kind = {
            "test_facility": FacilityKind.TEST_FACILITY,
            "workspace": FacilityKind.BUSINESS_CENTRE,
            "terminal": FacilityKind.TERMINAL,
        }[kind]
        facility = _upsert(
            Facility,
            item["id"][:80],
            kind=facility_kind,
            name=name[:200],
            operator=offering.provider,
            offering=offering,
            municipality=offering.municipality,
            address=str(record.get("address_hint") or "")[:200],
            description=offering.description_nl,
            starter_max_stay_months=36 if facility_kind == FacilityKind.BUSINESS_CENTRE else None,
            is_active=active,
        )
        facilities[facility.external_id] = facility
        current = facility if kind == "test_facility" else None
        equipment_index = 0
        if kind == "test_facility":
            _hours(facility, range(5), dt.time(8, 0), dt.time(18, 0))
            if not record.get("key_equipment"):
                _upsert(
                    Resource,
                    f"{facility.external_id}-hal"[:80],
                    facility=facility,
                    kind="test_space",
                    name="Test- en demoruimte",
                    description=facility.description,
                    requires_approval=True,
                    max_booking_hours=10,
                    **_tariffs(rng),
                )
        elif kind == "workspace":
            _load_units(facility, record, rng)
        else:
            _load_terminal(facility, record, rng)
    return facilities


def _load_units(centre: Facility, record: dict, rng: random.Random) -> None:
    _hours(centre, range(5), dt.time(8, 0), dt.time(20, 0))
    workshops = int(record.get("workshops") or record.get("planned_workshops") or rng.randint(2, 5))
    workshop_m2 = Decimal(
        record.get("workshop_size_m2") or record.get("typical_workshop_m2") or 120
    )
    offices = max(int(record.get("workplaces") or 0) // 4, rng.randint(3, 6))
    units = [
        ("workshop", f"Atelier {n}", workshop_m2, Decimal("6.5")) for n in range(1, workshops + 1)
    ]
    units += [
        ("office", f"Kantoor {n}", Decimal(rng.choice([18, 24, 30, 36])), Decimal("11"))
        for n in range(1, offices + 1)
    ]
    if rng.random() < 0.5:
        units.append(("lab", "Labo 1", Decimal(45), Decimal("14")))
    for kind, name, area, per_m2 in units:
        _upsert(
            Resource,
            f"{centre.external_id}-{name.lower().replace(' ', '-')}"[:80],
            facility=centre,
            kind=kind,
            name=name,
            is_bookable=False,
            is_leasable=True,
            floor_area_m2=area,
            monthly_price=_money(area * per_m2),
        )
    _upsert(
        Resource,
        f"{centre.external_id}-vergaderzaal"[:80],
        facility=centre,
        kind="meeting_room",
        name="Vergaderzaal",
        capacity=1,
        sme_hour=Decimal("15.00"),
        standard_hour=Decimal("25.00"),
        sme_half_day=Decimal("50.00"),
        standard_half_day=Decimal("85.00"),
        sme_day=Decimal("90.00"),
        standard_day=Decimal("150.00"),
        cleanup_minutes=15,
        free_cancellation_hours=24,
    )
    _upsert(
        Resource,
        f"{centre.external_id}-flexplekken"[:80],
        facility=centre,
        kind="flex_desk",
        name="Flexplekken",
        capacity=12,
        sme_hour=Decimal("3.00"),
        standard_hour=Decimal("5.00"),
        sme_day=Decimal("15.00"),
        standard_day=Decimal("25.00"),
        max_booking_hours=12,
        free_cancellation_hours=12,
        late_cancellation_percent=100,
    )


def _load_terminal(terminal: Facility, record: dict, rng: random.Random) -> None:
    quay = record.get("quay_length_m_after") or record.get("quay_length_m")
    berths = 2 if (quay or 0) >= 200 else 1
    for n in range(1, berths + 1):
        berth = _upsert(
            Resource,
            f"{terminal.external_id}-ligplaats-{n}"[:80],
            facility=terminal,
            kind="berth",
            name=f"Ligplaats {n} (binnenvaart)",
            specifications={"Kaailengte (m)": quay} if quay else {},
            requires_approval=True,
            operator_required=True,
            sme_hour=Decimal("60.00"),
            standard_hour=Decimal("60.00"),
            sme_day=Decimal("400.00"),
            standard_day=Decimal("400.00"),
            max_booking_hours=24,
            min_booking_minutes=60,
        )
        _hours(terminal, range(5), dt.time(6, 0), dt.time(22, 0), berth)
        _hours(terminal, [5], dt.time(6, 0), dt.time(14, 0), berth)
    dock = _upsert(
        Resource,
        f"{terminal.external_id}-vrachtwagens"[:80],
        facility=terminal,
        kind="truck_dock",
        name="Laad- en losvenster vrachtwagens",
        capacity=2,
        sme_hour=Decimal("35.00"),
        standard_hour=Decimal("35.00"),
        max_booking_hours=2,
        min_booking_minutes=30,
    )
    _hours(terminal, range(5), dt.time(6, 0), dt.time(20, 0), dock)
    area = record.get("quay_platform_m2") or record.get("extra_quay_platform_m2")
    if area:
        _upsert(
            Resource,
            f"{terminal.external_id}-opslag"[:80],
            facility=terminal,
            kind="storage",
            name="Opslagzone kaaiplatform",
            is_bookable=False,
            is_leasable=True,
            floor_area_m2=Decimal(min(int(area), 2000)),
            monthly_price=_money(Decimal(min(int(area), 2000)) * Decimal("2.5")),
        )
    _hours(terminal, range(5), dt.time(7, 0), dt.time(17, 0))


def sync_catalogue() -> int:
    """Every resource (machine, unit, room, desk, berth...) is also a catalogue offering, so
    matching can recommend it; returns how many offerings were created. The facilities
    themselves are linked to their reference offerings by `load_facilities`."""
    from schakel.facilities import services

    created = 0
    resources = Resource.objects.select_related(
        "facility__operator", "facility__municipality", "offering"
    ).order_by("facility_id", "id")
    for resource in resources:
        created += resource.offering_id is None
        services.sync_offering(resource, resources=False)
    return created


def ensure_managers(facilities: dict[str, Facility]):
    from schakel.accounts.models import User

    user = User.objects.filter(username=FACILITY_USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=FACILITY_USERNAME,
            password=DEMO_PASSWORD,
            role=User.Role.STAFF,
            is_staff=True,
            first_name="Sofie",
            last_name="Vandamme",
            email="facility@example.be",
            language="nl",
        )
    for key in FACILITY_USER_FACILITIES:
        if key in facilities:
            FacilityManager.objects.get_or_create(user=user, facility=facilities[key])
    staff = User.objects.filter(username="staff").first()
    if staff is not None:
        for key in STAFF_FACILITIES:
            if key in facilities:
                FacilityManager.objects.get_or_create(user=staff, facility=facilities[key])
    return user


def _companies():
    from schakel.accounts.models import User
    from schakel.register.models import Organisation

    companies = list(
        Organisation.objects.filter(type="company", source=FICTIONAL_SOURCE).order_by(
            "external_id"
        )[:300]
    )
    company_user = User.objects.filter(username="company").first()
    preferred = []
    if company_user is not None:
        preferred = list(Organisation.objects.filter(pk__in=company_user.represented_company_ids()))
    return preferred, companies


def load_bookings(rng: random.Random, now: dt.datetime) -> int:
    """Bookings from three months back to two months ahead, never overlapping."""
    if Booking.objects.filter(note=DEMO_NOTE).exists():
        return 0
    preferred, companies = _companies()
    if not companies:
        return 0
    today = timezone.localdate(now)
    first_day = today - dt.timedelta(days=90)
    rows = []
    resources = Resource.objects.bookable().select_related("facility").order_by("external_id")
    for resource in resources:
        schedule = availability.schedule_for(resource)
        day = first_day
        while day <= today + dt.timedelta(days=60):
            if rng.random() < 0.45:
                start_of_day = dt.datetime.combine(day, dt.time(0), tzinfo=BXL)
                opened = schedule.open_intervals(start_of_day, start_of_day + dt.timedelta(days=1))
                for open_start, open_end in opened:
                    slot_start = open_start + dt.timedelta(hours=rng.choice([0, 1, 2]))
                    length = dt.timedelta(hours=rng.choice([1, 2, 3, 4, 8]))
                    length = min(length, dt.timedelta(hours=resource.max_booking_hours))
                    slot_end = min(slot_start + length, open_end)
                    if slot_end - slot_start < dt.timedelta(minutes=resource.min_booking_minutes):
                        continue
                    places = 1 if resource.capacity == 1 else rng.randint(1, 4)
                    company = (
                        preferred[0] if preferred and rng.random() < 0.05 else rng.choice(companies)
                    )
                    rows.append(
                        _demo_booking(resource, company, slot_start, slot_end, places, now, rng)
                    )
            day += dt.timedelta(days=1)
    # The company login gets a few bookings of its own, in the coming weeks.
    if preferred:
        machine = resources.filter(kind="equipment").first()
        if machine is not None:
            day = today + dt.timedelta(days=3)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            start = dt.datetime.combine(day, dt.time(18, 0), tzinfo=BXL) - dt.timedelta(hours=1)
            rows = [
                r
                for r in rows
                if not (
                    r.resource_id == machine.pk
                    and r.blocked_start < start + dt.timedelta(hours=2)
                    and r.blocked_end > start - dt.timedelta(hours=1)
                )
            ]
            rows.append(
                _demo_booking(
                    machine, preferred[0], start, start + dt.timedelta(hours=1), 1, now, rng
                )
            )
    Booking.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _demo_booking(resource, company, start, end, places, now, rng) -> Booking:
    quote = pricing.quote(resource, company, start, end, places)
    start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    if end_utc < now:
        status = rng.choices(
            [BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED],
            [90, 4, 6],
        )[0]
    elif resource.requires_approval and rng.random() < 0.4:
        status = BookingStatus.REQUESTED
    else:
        status = BookingStatus.CONFIRMED
    booking = Booking(
        resource=resource,
        company=company,
        start=start_utc,
        end=end_utc,
        blocked_start=start_utc - dt.timedelta(minutes=resource.setup_minutes),
        blocked_end=end_utc + dt.timedelta(minutes=resource.cleanup_minutes),
        exclusive=resource.is_exclusive,
        places=places,
        status=status,
        note=DEMO_NOTE,
        tariff=quote.tariff,
        price_detail=quote.detail,
        amount_excl_vat=quote.amount_excl_vat,
        vat_amount=quote.vat_amount,
        amount_incl_vat=quote.amount_incl_vat,
        created_at=min(start_utc - dt.timedelta(days=7), now),
    )
    if status == BookingStatus.CANCELLED:
        booking.cancelled_at = start_utc - dt.timedelta(hours=rng.choice([2, 30, 100]))
        booking.cancelled_by_party = Booking.CancelledBy.COMPANY
        booking.cancellation_fee = pricing.cancellation_fee(
            Booking(
                status=BookingStatus.CONFIRMED,
                start=start_utc,
                resource=resource,
                amount_excl_vat=quote.amount_excl_vat,
            ),
            booking.cancelled_at,
        )
    if status == BookingStatus.COMPLETED:
        booking.used_minutes = int((end_utc - start_utc).total_seconds() // 60)
    if status == BookingStatus.NO_SHOW:
        booking.used_minutes = 0
    return booking


def load_leases(rng: random.Random, today: dt.date) -> int:
    if Lease.objects.filter(note=DEMO_NOTE).exists():
        return 0
    _preferred, companies = _companies()
    if not companies:
        return 0
    leases = []
    units = Resource.objects.filter(
        is_leasable=True, facility__kind=FacilityKind.BUSINESS_CENTRE, facility__is_active=True
    ).order_by("external_id")
    tenants = iter(rng.sample(companies, len(companies)))
    for unit in units:
        start = today - dt.timedelta(days=rng.randint(60, 1000))
        start = start.replace(day=1)
        while start < today + dt.timedelta(days=90):
            months = rng.choice([12, 24, 36])
            end = _add_months(start, months) - dt.timedelta(days=1)
            if rng.random() < 0.8:
                company = next(tenants, None)
                if company is None:
                    break
                leases.append(
                    Lease(
                        unit=unit,
                        company=company,
                        starts_on=start,
                        ends_on=end,
                        monthly_rent=unit.monthly_price or Decimal("0"),
                        deposit=_money((unit.monthly_price or Decimal("0")) * 3),
                        note=DEMO_NOTE,
                    )
                )
            start = end + dt.timedelta(days=rng.choice([1, 1, 1, 31, 62]))
    Lease.objects.bulk_create(leases)
    return len(leases)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def load_waiting_lists(rng: random.Random) -> int:
    if WaitingListEntry.objects.exists():
        return 0
    _preferred, companies = _companies()
    if not companies:
        return 0
    needs = [
        "Atelier met poort voor bestelwagen",
        "Kantoor voor 2 personen, vanaf volgend kwartaal",
        "Labo met afzuiging",
        "Ruimte voor prototypebouw",
        "Kantoor met vergaderruimte in de buurt",
    ]
    entries = []
    centres = Facility.objects.filter(kind=FacilityKind.BUSINESS_CENTRE, is_active=True).order_by(
        "external_id"
    )
    pool = rng.sample(companies, len(companies))
    index = 0
    now = timezone.now()
    for centre in centres:
        for position in range(rng.randint(2, 5)):
            if index >= len(pool):
                break
            entries.append(
                WaitingListEntry(
                    centre=centre,
                    company=pool[-1 - index],
                    unit_kind=rng.choice(["office", "workshop", "workshop", "lab"]),
                    needs=rng.choice(needs),
                    min_area_m2=Decimal(rng.choice([20, 40, 80])) if rng.random() < 0.5 else None,
                    requested_at=now - dt.timedelta(days=30 * (5 - position) + rng.randint(0, 20)),
                )
            )
            index += 1
    WaitingListEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def load(options: dict, stdout) -> None:
    seed = options.get("seed", 2026)
    rng = random.Random(seed)
    facilities = load_facilities()
    offerings = sync_catalogue()
    ensure_managers(facilities)
    now = timezone.now()
    bookings = load_bookings(rng, now)
    leases = load_leases(rng, timezone.localdate())
    waiting = load_waiting_lists(rng)
    if options.get("verbosity", 1) >= 1:
        stdout.write(
            "Facilities: {facilities} facilities, {resources} resources "
            "({offerings} new catalogue offerings); {bookings} bookings, {leases} leases, "
            "{waiting} waiting-list entries added".format(
                facilities=len(facilities),
                resources=Resource.objects.count(),
                offerings=offerings,
                bookings=bookings,
                leases=leases,
                waiting=waiting,
            )
        )


def logins() -> list[tuple[str, str]]:
    names = ", ".join(
        Facility.objects.filter(external_id__in=FACILITY_USER_FACILITIES)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return [("facility manager ({names})".format(names=names or "-"), FACILITY_USERNAME)]
