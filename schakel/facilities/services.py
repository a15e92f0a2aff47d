"""Domain actions on facilities, bookings, leases and the waiting list.

Views, the API, commands and tests call these functions. Each takes model instances and the
acting user, runs in one transaction, writes the audit trail and the company timeline, and
queues e-mail through the core outbox (`schakel.core.outbox`), which the worker sends.

No double booking: `create_booking` locks the resource row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), then checks the
period against active bookings, with buffers and capacity. On PostgreSQL an exclusion
constraint on exclusive resources is the last line: its violation is reported as the same
conflict.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.core import audit, outbox
from schakel.core.models import AuditEvent
from schakel.core.outbox import absolute_url
from schakel.facilities import availability, pricing
from schakel.facilities.models import (
    ACTIVE_STATUSES,
    UNIT_KINDS,
    Booking,
    BookingStatus,
    CalendarFeed,
    CompanyCertificate,
    Facility,
    FacilityKind,
    Lease,
    LeaseStatus,
    Resource,
    ResourceKind,
    WaitingListEntry,
    WaitingStatus,
    months_between,
)
from schakel.register.models import Activity, Organisation
from schakel.register.services import add_timeline_entry

# --- errors ---------------------------------------------------------------------------


class BookingConflict(Exception):
    """The period is taken: `conflicts` lists the (start, end) periods in the way."""

    def __init__(self, conflicts, message=None):
        self.conflicts = conflicts
        self.message = message or gettext_lazy("This period is no longer free.")
        super().__init__(str(self.message))


@dataclass
class OccurrenceProblem:
    start: dt.datetime
    end: dt.datetime
    conflicts: list = field(default_factory=list)
    errors: list = field(default_factory=list)


class RecurringConflict(Exception):
    """One or more weeks of a recurring booking cannot be booked; nothing was booked."""

    def __init__(self, problems: list[OccurrenceProblem]):
        self.problems = problems
        super().__init__(_("%(count)s of the weeks cannot be booked.") % {"count": len(problems)})


class StaleState(ValidationError):
    pass


def field_error(field_name: str, message, code: str) -> ValidationError:
    """A field error with a stable code (the API returns the code, pages the message)."""
    return ValidationError({field_name: ValidationError(message, code=code)})


# --- e-mail ---------------------------------------------------------------------------


def queue_email(to, subject, template: str, context: dict, language="nl", booking=None):
    """Render `facilities/email/<template>.txt` in `language`; the worker sends it after commit."""
    return outbox.queue_template(
        to, subject, f"facilities/email/{template}.txt", context, language=language, about=booking
    )


def _company_recipient(booking: Booking) -> tuple[str, str]:
    user = booking.booked_by
    if user is not None and user.email and not user.is_agency:
        return user.email, user.language
    return booking.company.email or (user.email if user else ""), "nl"


def _tell_company(booking: Booking, template: str, subject) -> None:
    to, language = _company_recipient(booking)
    with translation.override(language):
        subject_text = str(subject) % {"resource": booking.resource.name}
    queue_email(
        to,
        subject_text,
        template,
        {
            "booking": booking,
            "url": absolute_url(reverse("facilities:booking_detail", args=[booking.pk])),
        },
        language,
        booking,
    )


def _tell_managers(booking: Booking) -> None:
    facility = booking.resource.facility
    recipients = {facility.contact_email: "nl"} if facility.contact_email else {}
    for manager in facility.managers.filter(is_active=True).exclude(email=""):
        recipients.setdefault(manager.email, manager.language)
    for to, language in recipients.items():
        with translation.override(language):
            subject = _("Booking request for %(resource)s") % {"resource": booking.resource.name}
        queue_email(
            to,
            subject,
            "request_to_manager",
            {"booking": booking, "url": absolute_url(reverse("facilities:manage"))},
            language,
            booking,
        )


# --- who may book for whom ------------------------------------------------------------


def companies_user_may_book_for(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    if user.is_agency:
        return Organisation.objects.companies()
    if user.is_company_user:
        return Organisation.objects.filter(pk__in=user.represented_company_ids())
    return Organisation.objects.none()


def resolve_company(user, company_id=None, acting_company=None) -> Organisation:
    """The company a booking is for: staff name it; a company user books for the company they
    act for (or another of their mandates when named)."""
    allowed = companies_user_may_book_for(user)
    if company_id in (None, ""):
        if user.is_company_user and acting_company is not None:
            return acting_company
        if user.is_company_user:
            company = allowed.order_by("name").first()
            if company is not None:
                return company
        raise field_error("company", _("Say which company the booking is for."), "company_required")
    try:
        return allowed.get(pk=int(company_id))
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise field_error("company", _("You cannot book for this company."), "company_not_allowed")


# --- booking rules --------------------------------------------------------------------


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise field_error(name, _("Give a date and time."), "invalid")
    if timezone.is_naive(value):
        # Times without an offset are Brussels wall-clock times.
        try:
            value = timezone.make_aware(value, availability.local_zone())
        except Exception:
            raise field_error(name, _("This local time does not exist."), "invalid")
    return value.astimezone(dt.UTC)


def validate_period(resource: Resource, start, end, now=None, places: int = 1):
    """Check a requested period against the resource's rules; returns (start, end) in UTC."""
    now = now or timezone.now()
    start, end = _aware(start, "start"), _aware(end, "end")
    if not resource.is_bookable or not resource.is_active or not resource.facility.is_active:
        raise field_error("resource", _("This resource cannot be booked."), "not_bookable")
    if end <= start:
        raise field_error("end", _("The end must be after the start."), "end_before_start")
    if start < now:
        raise field_error("start", _("The start lies in the past."), "in_the_past")
    duration = end - start
    if duration < dt.timedelta(minutes=resource.min_booking_minutes):
        raise field_error(
            "end",
            _("A booking lasts at least %(minutes)s minutes.")
            % {"minutes": resource.min_booking_minutes},
            "too_short",
        )
    if duration > dt.timedelta(hours=resource.max_booking_hours):
        raise field_error(
            "end",
            _("A booking lasts at most %(hours)s hours.") % {"hours": resource.max_booking_hours},
            "too_long",
        )
    if start > now + dt.timedelta(days=resource.booking_horizon_days):
        raise field_error(
            "start",
            _("Bookings open at most %(days)s days ahead.")
            % {"days": resource.booking_horizon_days},
            "too_far_ahead",
        )
    if places < 1 or places > resource.capacity:
        raise field_error(
            "places",
            _("Choose between 1 and %(capacity)s places.") % {"capacity": resource.capacity},
            "places",
        )
    if not availability.is_within_opening_hours(resource, start, end):
        raise field_error(
            "start",
            _(
                "The period lies (partly) outside the opening hours, "
                "on a closing day or a public holiday."
            ),
            "outside_opening_hours",
        )
    return start, end


def blocked_period(resource: Resource, start, end):
    return (
        start - dt.timedelta(minutes=resource.setup_minutes),
        end + dt.timedelta(minutes=resource.cleanup_minutes),
    )


def needs_operator(resource: Resource, company, day: dt.date) -> bool:
    """An operator is present when the resource demands it, or the company is not (or no longer)
    certified to use it alone."""
    if resource.operator_required:
        return True
    if not resource.required_certificate:
        return False
    return not CompanyCertificate.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day), company=company, resource=resource
    ).exists()


def quote(resource, company, start, end, places=1):
    start, end = _aware(start, "start"), _aware(end, "end")
    return pricing.quote(resource, company, start, end, places)


def _lock(resource: Resource) -> Resource:
    """Lock the resource row for this transaction (a no-op on SQLite, which locks the file)."""
    return Resource.objects.select_for_update().select_related("facility").get(pk=resource.pk)


def _build(resource, company, start, end, actor, places, note, series) -> Booking:
    blocked_start, blocked_end = blocked_period(resource, start, end)
    price = pricing.quote(resource, company, start, end, places)
    return Booking(
        resource=resource,
        company=company,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
        start=start,
        end=end,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        exclusive=resource.is_exclusive,
        places=places,
        status=BookingStatus.REQUESTED if resource.requires_approval else BookingStatus.CONFIRMED,
        with_operator=needs_operator(resource, company, timezone.localtime(start).date()),
        series=series,
        note=note,
        tariff=price.tariff,
        price_detail=price.detail,
        amount_excl_vat=price.amount_excl_vat,
        vat_amount=price.vat_amount,
        amount_incl_vat=price.amount_incl_vat,
    )


def _insert(booking: Booking) -> Booking:
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        # The PostgreSQL exclusion constraint caught an overlap the lock did not (e.g. a row
        # written outside these services): the same answer as the check.
        if "facilities_booking_no_overlap" in str(exc):
            raise BookingConflict([(booking.blocked_start, booking.blocked_end)])
        raise
    return booking


def _after_create(booking: Booking, actor) -> None:
    audit.record_create(booking, actor)
    local = timezone.localtime(booking.start)
    add_timeline_entry(
        booking.company,
        Activity.Kind.BOOKING,
        _("Booking %(resource)s on %(when)s (%(status)s)")
        % {
            "resource": booking.resource.name,
            "when": formats.date_format(local, "SHORT_DATETIME_FORMAT"),
            "status": booking.get_status_display(),
        },
        actor=actor,
        link_url=reverse("facilities:booking_detail", args=[booking.pk]),
        is_internal=False,
    )


def _notify_created(booking: Booking) -> None:
    if booking.status == BookingStatus.REQUESTED:
        _tell_company(booking, "requested", gettext_lazy("Booking request received: %(resource)s"))
        _tell_managers(booking)
    else:
        _tell_company(booking, "confirmed", gettext_lazy("Booking confirmed: %(resource)s"))


def create_booking(
    resource: Resource,
    company: Organisation,
    start,
    end,
    actor,
    places: int = 1,
    note: str = "",
    now=None,
) -> Booking:
    """Book `resource` for `company`; raises ValidationError (bad request) or BookingConflict."""
    with transaction.atomic():
        resource = _lock(resource)
        start, end = validate_period(resource, start, end, now, places)
        booking = _build(resource, company, start, end, actor, places, note, "")
        found = availability.conflicts(resource, booking.blocked_start, booking.blocked_end, places)
        if found:
            raise BookingConflict(found)
        _insert(booking)
        _after_create(booking, actor)
        _notify_created(booking)
    return booking


def weekly_occurrences(start, end, weeks: int):
    """The same wall-clock times in Brussels, `weeks` weeks in a row (summer time respected)."""
    zone = availability.local_zone()
    start, end = _aware(start, "start"), _aware(end, "end")
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    result = []
    for week in range(weeks):
        shift = dt.timedelta(weeks=week)
        occ_start = dt.datetime.combine(local_start.date() + shift, local_start.time(), tzinfo=zone)
        occ_end = dt.datetime.combine(local_end.date() + shift, local_end.time(), tzinfo=zone)
        result.append((occ_start.astimezone(dt.UTC), occ_end.astimezone(dt.UTC)))
    return result


MAX_RECURRING_WEEKS = 52


def create_recurring(
    resource: Resource,
    company: Organisation,
    start,
    end,
    weeks: int,
    actor,
    places: int = 1,
    note: str = "",
    now=None,
) -> list[Booking]:
    """Book the same slot weekly for `weeks` weeks: all of them, or none (RecurringConflict)."""
    if not 1 <= weeks <= MAX_RECURRING_WEEKS:
        raise field_error(
            "weeks",
            _("Repeat between 1 and %(max)s weeks.") % {"max": MAX_RECURRING_WEEKS},
            "weeks",
        )
    series = str(uuid.uuid4())
    with transaction.atomic():
        resource = _lock(resource)
        problems, planned = [], []
        for occ_start, occ_end in weekly_occurrences(start, end, weeks):
            try:
                occ_start, occ_end = validate_period(resource, occ_start, occ_end, now, places)
            except ValidationError as exc:
                problems.append(OccurrenceProblem(occ_start, occ_end, errors=exc.messages))
                continue
            booking = _build(resource, company, occ_start, occ_end, actor, places, note, series)
            found = availability.conflicts(
                resource, booking.blocked_start, booking.blocked_end, places
            )
            # The weeks of the series itself never overlap (a booking is at most days long
            # and weekly apart), unless the booking is longer than a week, which the rules forbid.
            if found:
                problems.append(OccurrenceProblem(occ_start, occ_end, conflicts=found))
            planned.append(booking)
        if problems:
            raise RecurringConflict(problems)
        for booking in planned:
            _insert(booking)
            _after_create(booking, actor)
        if planned:
            _notify_created(planned[0])
    return planned


# --- state changes --------------------------------------------------------------------


def _transition(booking: Booking, from_statuses, to_status, actor, message, **fields) -> Booking:
    """A conditional UPDATE: wins only if the booking is still in one of `from_statuses`."""
    old = booking.status
    won = Booking.objects.filter(pk=booking.pk, status__in=from_statuses).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    if not won:
        raise StaleState(
            _("This booking is %(status)s and can no longer be changed this way.")
            % {"status": Booking.objects.get(pk=booking.pk).get_status_display()},
            code="stale_state",
        )
    booking.refresh_from_db()
    audit.record(
        booking,
        AuditEvent.Action.UPDATE,
        actor,
        changes={
            "status": [old, to_status],
            **{
                k: [None, str(v)]
                for k, v in fields.items()
                if k.endswith(("fee", "note", "minutes"))
            },
        },
        message=message,
    )
    add_timeline_entry(
        booking.company,
        Activity.Kind.BOOKING,
        _("Booking %(resource)s: %(status)s")
        % {"resource": booking.resource.name, "status": booking.get_status_display()},
        actor=actor,
        link_url=reverse("facilities:booking_detail", args=[booking.pk]),
        is_internal=False,
    )
    return booking


@transaction.atomic
def approve(booking: Booking, actor) -> Booking:
    booking = _transition(
        booking,
        [BookingStatus.REQUESTED],
        BookingStatus.CONFIRMED,
        actor,
        "Approved",
        decided_by=actor,
        decided_at=timezone.now(),
    )
    _tell_company(booking, "confirmed", gettext_lazy("Booking confirmed: %(resource)s"))
    return booking


@transaction.atomic
def reject(booking: Booking, actor, reason: str = "") -> Booking:
    booking = _transition(
        booking,
        [BookingStatus.REQUESTED],
        BookingStatus.REJECTED,
        actor,
        "Rejected",
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=reason[:300],
    )
    _tell_company(booking, "rejected", gettext_lazy("Booking not accepted: %(resource)s"))
    return booking


def _party(actor, booking: Booking) -> str:
    if getattr(actor, "is_company_user", False):
        return Booking.CancelledBy.COMPANY
    if booking.resource.facility.managers.filter(pk=getattr(actor, "pk", None)).exists():
        return Booking.CancelledBy.FACILITY
    return Booking.CancelledBy.AGENCY


@transaction.atomic
def cancel(booking: Booking, actor, now=None, reason: str = "") -> Booking:
    """Cancel under the policy: free while requested or early enough, else the late fee.

    A cancellation by the facility (or the agency on its behalf) costs the company nothing.
    """
    now = now or timezone.now()
    if booking.status in ACTIVE_STATUSES and booking.start <= now:
        raise StaleState(
            _("This booking has started; it can no longer be cancelled."), code="started"
        )
    party = _party(actor, booking)
    fee = (
        pricing.cancellation_fee(booking, now)
        if party == Booking.CancelledBy.COMPANY
        else Decimal("0.00")
    )
    booking = _transition(
        booking,
        ACTIVE_STATUSES,
        BookingStatus.CANCELLED,
        actor,
        "Cancelled",
        cancelled_by=actor if getattr(actor, "is_authenticated", False) else None,
        cancelled_by_party=party,
        cancelled_at=now,
        cancellation_fee=fee,
        decision_note=reason[:300],
    )
    _tell_company(booking, "cancelled", gettext_lazy("Booking cancelled: %(resource)s"))
    return booking


@transaction.atomic
def mark_no_show(booking: Booking, actor, now=None) -> Booking:
    now = now or timezone.now()
    if booking.start > now:
        raise StaleState(
            _("A no-show can only be recorded once the booking has started."), code="not_started"
        )
    return _transition(
        booking, [BookingStatus.CONFIRMED], BookingStatus.NO_SHOW, actor, "No-show", used_minutes=0
    )


@transaction.atomic
def record_usage(booking: Booking, actor, used_minutes: int, note: str = "", now=None) -> Booking:
    """Record what was used and complete the booking (the booked amount is invoiced)."""
    now = now or timezone.now()
    if booking.start > now:
        raise StaleState(
            _("Usage can only be recorded once the booking has started."), code="not_started"
        )
    if used_minutes < 0:
        raise field_error("used_minutes", _("Give a number of minutes of zero or more."), "invalid")
    return _transition(
        booking,
        [BookingStatus.CONFIRMED, BookingStatus.COMPLETED],
        BookingStatus.COMPLETED,
        actor,
        "Usage recorded",
        used_minutes=used_minutes,
        usage_note=note[:300],
    )


def complete_past_bookings(now=None) -> int:
    """Confirmed bookings whose end has passed become completed (run daily by the worker)."""
    now = now or timezone.now()
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED, end__lte=now - dt.timedelta(days=1)
    ).update(status=BookingStatus.COMPLETED, updated_at=now)


@transaction.atomic
def grant_certificate(company, resource, actor, valid_until=None) -> CompanyCertificate:
    certificate, _created = CompanyCertificate.objects.update_or_create(
        company=company,
        resource=resource,
        defaults={
            "valid_until": valid_until,
            "granted_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit.record(certificate, AuditEvent.Action.UPDATE, actor, message="Certificate granted")
    return certificate


# --- calendar feeds -------------------------------------------------------------------


def feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def renew_user_feed(user) -> CalendarFeed:
    """A new secret: the old feed URL stops working at once."""
    feed = feed_for(user)
    from schakel.facilities.models import new_token

    feed.token = new_token()
    feed.renewed_at = timezone.now()
    feed.save(update_fields=["token", "renewed_at"])
    audit.record(feed, AuditEvent.Action.UPDATE, user, message="Calendar feed renewed")
    return feed


@transaction.atomic
def renew_resource_feed(resource: Resource, actor) -> Resource:
    from schakel.facilities.models import new_token

    resource.ics_token = new_token()
    resource.save(update_fields=["ics_token", "updated_at"])
    audit.record(resource, AuditEvent.Action.UPDATE, actor, message="Calendar feed renewed")
    return resource


# --- leases ---------------------------------------------------------------------------


def _lease_errors(unit, company, starts_on, ends_on, exclude_id=None) -> dict:
    errors = {}
    if not unit.is_leasable:
        errors["unit"] = _("This unit is not leased by the month.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The end date must not be before the start date.")
    return errors


def stay_months(company, centre: Facility, exclude_id=None) -> int:
    """Months `company` leases units in `centre` (past and future; overlaps count once)."""
    leases = Lease.objects.holding().filter(company=company, unit__facility=centre)
    if exclude_id:
        leases = leases.exclude(pk=exclude_id)
    periods = sorted(leases.values_list("starts_on", "ends_on"))
    return _months_of(periods)


def _months_of(periods) -> int:
    merged: list[list[dt.date]] = []
    for first, last in sorted(periods):
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return sum(months_between(first, last) for first, last in merged)


def create_lease(
    unit: Resource,
    company: Organisation,
    starts_on: dt.date,
    ends_on: dt.date,
    monthly_rent: Decimal,
    actor,
    deposit: Decimal = Decimal("0"),
    note: str = "",
    waiting_entry: WaitingListEntry | None = None,
) -> Lease:
    """Lease `unit` to `company`; refuses overlapping leases and a stay beyond the maximum."""
    with transaction.atomic():
        unit = _lock(unit)
        errors = _lease_errors(unit, company, starts_on, ends_on)
        if errors:
            raise ValidationError(errors, code="invalid")
        taken = list(
            Lease.objects.holding()
            .filter(unit=unit, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .values_list("starts_on", "ends_on")
        )
        if taken:
            raise BookingConflict(
                taken, gettext_lazy("The unit is already leased for (part of) this period.")
            )
        centre = unit.facility
        if centre.starter_max_stay_months:
            existing = Lease.objects.holding().filter(company=company, unit__facility=centre)
            total = _months_of(
                list(existing.values_list("starts_on", "ends_on")) + [(starts_on, ends_on)]
            )
            if total > centre.starter_max_stay_months:
                raise field_error(
                    "ends_on",
                    _(
                        "This lease would bring the company's stay in %(centre)s to %(total)s "
                        "months; starters may stay at most %(max)s months."
                    )
                    % {
                        "centre": centre.name,
                        "total": total,
                        "max": centre.starter_max_stay_months,
                    },
                    "max_stay",
                )
        lease = Lease(
            unit=unit,
            company=company,
            starts_on=starts_on,
            ends_on=ends_on,
            monthly_rent=monthly_rent,
            deposit=deposit,
            note=note,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        lease.full_clean()
        try:
            with transaction.atomic():
                lease.save()
        except IntegrityError as exc:
            if "facilities_lease_no_overlap" in str(exc):
                raise BookingConflict([(starts_on, ends_on)])
            raise
        audit.record_create(lease, actor)
        add_timeline_entry(
            company,
            Activity.Kind.LEASE,
            _("Lease of %(unit)s in %(centre)s from %(start)s to %(end)s")
            % {
                "unit": unit.name,
                "centre": centre.name,
                "start": formats.date_format(starts_on, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(ends_on, "SHORT_DATE_FORMAT"),
            },
            actor=actor,
            link_url=reverse("facilities:lease_list"),
            is_internal=False,
        )
        entry = waiting_entry or (
            WaitingListEntry.objects.filter(
                centre=centre,
                company=company,
                unit_kind=unit.kind,
                status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED],
            ).first()
        )
        if entry is not None:
            WaitingListEntry.objects.filter(pk=entry.pk).update(
                status=WaitingStatus.PLACED, offered_unit=unit, updated_at=timezone.now()
            )
            audit.record(
                entry, AuditEvent.Action.UPDATE, actor, changes={"status": [entry.status, "placed"]}
            )
    return lease


@transaction.atomic
def terminate_lease(lease: Lease, ends_on: dt.date, actor) -> Lease:
    """End a lease early (the unit is free from the next day); proposes waiting-list candidates."""
    if ends_on < lease.starts_on or ends_on > lease.ends_on:
        raise field_error(
            "ends_on", _("The new end must lie between the start and the current end."), "invalid"
        )
    before = audit.snapshot(lease)
    won = Lease.objects.filter(pk=lease.pk, status=LeaseStatus.SIGNED).update(
        status=LeaseStatus.TERMINATED, ends_on=ends_on, updated_at=timezone.now()
    )
    if not won:
        raise StaleState(_("This lease was already ended."), code="stale_state")
    lease.refresh_from_db()
    audit.record_update(lease, before, actor, "Terminated")
    add_timeline_entry(
        lease.company,
        Activity.Kind.LEASE,
        _("Lease of %(unit)s ends on %(end)s")
        % {"unit": lease.unit.name, "end": formats.date_format(ends_on, "SHORT_DATE_FORMAT")},
        actor=actor,
        is_internal=False,
    )
    tell_managers_unit_free(lease, actor)
    return lease


def lease_warnings(today: dt.date | None = None, facilities=None) -> list[dict]:
    """Leases ending, or maximum stays running out, within the centre's warning window."""
    today = today or timezone.localdate()
    leases = Lease.objects.current_on(today).select_related("unit__facility", "company")
    if facilities is not None:
        leases = leases.filter(unit__facility__in=facilities)
    warnings = []
    for lease in leases.filter(ends_on__gte=today):
        centre = lease.unit.facility
        horizon = today + dt.timedelta(days=centre.lease_warning_days)
        if lease.ends_on <= horizon:
            warnings.append(
                {
                    "lease": lease,
                    "kind": "lease_ends",
                    "date": lease.ends_on,
                    "days": (lease.ends_on - today).days,
                }
            )
        if centre.starter_max_stay_months:
            first = (
                Lease.objects.holding()
                .filter(company=lease.company, unit__facility=centre)
                .order_by("starts_on")
                .values_list("starts_on", flat=True)
                .first()
            )
            # The day the maximum stay runs out when the company stays without a break.
            limit = _add_months(first, centre.starter_max_stay_months) - dt.timedelta(days=1)
            if limit <= horizon:
                warnings.append(
                    {
                        "lease": lease,
                        "kind": "max_stay",
                        "date": limit,
                        "days": (limit - today).days,
                    }
                )
    return sorted(warnings, key=lambda w: w["date"])


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- waiting list ---------------------------------------------------------------------


@transaction.atomic
def add_to_waiting_list(
    centre: Facility, company, unit_kind: str, actor, needs: str = "", **fields
):
    if centre.kind != FacilityKind.BUSINESS_CENTRE:
        raise field_error("centre", _("Only business centres keep a waiting list."), "invalid")
    if unit_kind not in [k.value for k in UNIT_KINDS]:
        raise field_error("unit_kind", _("Choose an office, workshop or lab."), "invalid")
    entry = WaitingListEntry(
        centre=centre, company=company, unit_kind=unit_kind, needs=needs, **fields
    )
    entry.full_clean()
    entry.save()
    audit.record_create(entry, actor)
    add_timeline_entry(
        company,
        Activity.Kind.LEASE,
        _("On the waiting list of %(centre)s for a %(kind)s")
        % {"centre": centre.name, "kind": entry.get_unit_kind_display()},
        actor=actor,
        is_internal=False,
    )
    return entry


# Units whose lease ends within this many days are proposed with candidates on the lease list
# and the waiting list, and the daily job tells the managers about them (once per free day).
FREE_SOON_DAYS = 90


def _first_free_day(periods, day: dt.date) -> dt.date:
    """The first day from `day` outside the (start, end) `periods`, sorted by start."""
    for starts_on, ends_on in periods:
        if ends_on < day:
            continue
        if starts_on > day:
            break
        day = ends_on + dt.timedelta(days=1)
    return day


def free_from(unit: Resource, today: dt.date | None = None) -> dt.date:
    """The first day from `today` on which no lease holds the unit."""
    day = today or timezone.localdate()
    return _first_free_day(
        Lease.objects.holding()
        .filter(unit=unit, ends_on__gte=day)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on"),
        day,
    )


def _meets_needs(entry: WaitingListEntry, unit: Resource) -> bool:
    """The unit is big enough and not dearer than the company asked (unknowns do not exclude)."""
    if entry.unit_kind != unit.kind:
        return False
    if (
        None not in (unit.floor_area_m2, entry.min_area_m2)
        and entry.min_area_m2 > unit.floor_area_m2
    ):
        return False
    return not (
        None not in (unit.monthly_price, entry.max_monthly_rent)
        and entry.max_monthly_rent < unit.monthly_price
    )


def candidates_for(unit: Resource, today: dt.date | None = None, limit: int = 10):
    """Waiting companies for `unit`'s centre and type whose needs it meets, in list order."""
    entries = (
        WaitingListEntry.objects.filter(
            centre=unit.facility, unit_kind=unit.kind, status=WaitingStatus.WAITING
        )
        .select_related("company")
        .in_order()
    )
    return [entry for entry in entries if _meets_needs(entry, unit)][:limit]


def units_free_soon(
    facilities=None,
    today: dt.date | None = None,
    within_days: int = FREE_SOON_DAYS,
    candidates: int = 3,
) -> list[dict]:
    """Leasable units free today or from a day within `within_days`, each with the first
    `candidates` of the waiting list whose needs it meets; soonest free first.

    `facilities` limits the centres (None: all). Three queries whatever the number of units.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    units = list(
        Resource.objects.filter(is_leasable=True, is_active=True)
        .filter(**({} if facilities is None else {"facility__in": facilities}))
        .select_related("facility")
    )
    periods: dict[int, list] = {}
    for unit_id, starts_on, ends_on in (
        Lease.objects.holding()
        .filter(unit__in=units, ends_on__gte=today)
        .order_by("starts_on")
        .values_list("unit_id", "starts_on", "ends_on")
    ):
        periods.setdefault(unit_id, []).append((starts_on, ends_on))
    waiting: dict[int, list] = {}
    for entry in (
        WaitingListEntry.objects.filter(
            centre__in={unit.facility_id for unit in units}, status=WaitingStatus.WAITING
        )
        .select_related("company")
        .in_order()
    ):
        waiting.setdefault(entry.centre_id, []).append(entry)
    free = []
    for unit in units:
        day = _first_free_day(periods.get(unit.pk, []), today)
        if day > horizon:
            continue
        matching = [e for e in waiting.get(unit.facility_id, []) if _meets_needs(e, unit)]
        free.append(
            {
                "unit": unit,
                "free_from": day,
                "free_now": day == today,
                "candidates": matching[:candidates],
            }
        )
    return sorted(
        free, key=lambda item: (item["free_from"], item["unit"].facility.name, item["unit"].name)
    )


def queue_positions(centre: Facility | int) -> dict[int, int]:
    """Each open entry's place in line (1, 2, ...) among the open entries of its centre (an
    instance or a pk) and unit type; the numbers alone tell a company where it stands without
    naming the others."""
    positions: dict[int, int] = {}
    counters: dict[str, int] = {}
    for pk, unit_kind in (
        WaitingListEntry.objects.filter(
            centre=centre, status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED]
        )
        .in_order()
        .values_list("pk", "unit_kind")
    ):
        counters[unit_kind] = counters.get(unit_kind, 0) + 1
        positions[pk] = counters[unit_kind]
    return positions


def _unit_free_mark(day: dt.date) -> str:
    # The audit message that records the notice; one per lease and free day.
    return f"Managers told the unit is free from {day.isoformat()}"


def tell_managers_unit_free(lease: Lease, actor=None) -> bool:
    """E-mail the centre's managers that `lease`'s unit is free after it, with the first
    candidates of the waiting list. Once per lease and free day (a later early end, which frees
    the unit sooner, is news and is told again); nothing when another lease follows directly."""
    with transaction.atomic():
        # The row lock serialises two runs on PostgreSQL; SQLite serialises writers already.
        lease = (
            Lease.objects.select_for_update()
            .select_related("unit__facility", "company")
            .get(pk=lease.pk)
        )
        unit, centre = lease.unit, lease.unit.facility
        day = lease.ends_on + dt.timedelta(days=1)
        if lease.status == LeaseStatus.CANCELLED or free_from(unit, day) != day:
            return False
        mark = _unit_free_mark(day)
        if audit.events_for(lease).filter(action=AuditEvent.Action.OTHER, message=mark).exists():
            return False
        recipients = {centre.contact_email: "nl"} if centre.contact_email else {}
        for manager in centre.managers.filter(is_active=True).exclude(email=""):
            recipients[manager.email] = manager.language or "nl"
        if not recipients:
            return False
        context = {
            "lease": lease,
            "unit": unit,
            "centre": centre,
            "free_from": day,
            "candidates": candidates_for(unit, day, limit=3),
            "url": absolute_url(reverse("facilities:lease_list")),
            "waiting_url": absolute_url(reverse("facilities:waiting_list", args=[centre.pk])),
        }
        for to, language in recipients.items():
            with translation.override(language):
                subject = _("%(unit)s in %(centre)s is free from %(date)s") % {
                    "unit": unit.name,
                    "centre": centre.name,
                    "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                }
            queue_email(to, subject, "unit_free", context, language, lease)
        audit.record(lease, AuditEvent.Action.OTHER, actor, message=mark)
    return True


def tell_managers_units_free_soon(
    today: dt.date | None = None, within_days: int = FREE_SOON_DAYS
) -> int:
    """The daily run: tell the managers about each unit whose lease ends within `within_days`
    (the unit free from the next day); a lease told about before is skipped."""
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    told = 0
    for lease in (
        Lease.objects.holding()
        .filter(ends_on__gte=yesterday, ends_on__lt=today + dt.timedelta(days=within_days))
        .order_by("ends_on", "pk")
    ):
        told += tell_managers_unit_free(lease)
    return told


@transaction.atomic
def offer_unit(entry: WaitingListEntry, unit: Resource, actor) -> WaitingListEntry:
    won = WaitingListEntry.objects.filter(pk=entry.pk, status=WaitingStatus.WAITING).update(
        status=WaitingStatus.OFFERED, offered_unit=unit, updated_at=timezone.now()
    )
    if not won:
        raise StaleState(_("This company is no longer waiting."), code="stale_state")
    entry.refresh_from_db()
    audit.record(
        entry,
        AuditEvent.Action.UPDATE,
        actor,
        changes={"status": ["waiting", "offered"], "offered_unit": [None, str(unit)]},
    )
    return entry


@transaction.atomic
def withdraw(entry: WaitingListEntry, actor) -> WaitingListEntry:
    won = WaitingListEntry.objects.filter(
        pk=entry.pk, status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED]
    ).update(status=WaitingStatus.WITHDRAWN, updated_at=timezone.now())
    if not won:
        raise StaleState(_("This entry is no longer on the list."), code="stale_state")
    entry.refresh_from_db()
    audit.record(
        entry, AuditEvent.Action.UPDATE, actor, changes={"status": ["waiting", "withdrawn"]}
    )
    return entry


# --- the catalogue --------------------------------------------------------------------

_OFFERING_KIND = {
    FacilityKind.TEST_FACILITY: "test_facility",
    FacilityKind.BUSINESS_CENTRE: "workspace",
    FacilityKind.TERMINAL: "terminal",
}
_RESOURCE_OFFERING_KIND = {
    ResourceKind.EQUIPMENT: "equipment",
    ResourceKind.TEST_SPACE: "test_facility",
    ResourceKind.BERTH: "terminal",
    ResourceKind.TRUCK_DOCK: "terminal",
    ResourceKind.STORAGE: "terminal",
}
# What a resource is, in the Dutch catalogue text (description_nl).
_RESOURCE_NOUN_NL = {
    ResourceKind.EQUIPMENT: "Toestel",
    ResourceKind.TEST_SPACE: "Test- en demoruimte",
    ResourceKind.OFFICE: "Kantoorruimte",
    ResourceKind.WORKSHOP: "Atelier (bedrijfsruimte)",
    ResourceKind.LAB: "Laboruimte",
    ResourceKind.MEETING_ROOM: "Vergaderzaal",
    ResourceKind.FLEX_DESK: "Flexwerkplekken",
    ResourceKind.BERTH: "Ligplaats voor binnenvaart",
    ResourceKind.TRUCK_DOCK: "Laad- en losvenster voor vrachtwagens",
    ResourceKind.STORAGE: "Opslagruimte",
}
# Offerings `sync_offering` made itself: their title and description follow the facility or
# resource. An offering that came from the catalogue (a reference record, an import) keeps
# the texts written there; the sync only fills in what is missing.
GENERATED_SOURCE = "Schakel: faciliteitenbeheer"


def offering_kind_for(obj) -> str:
    """Facilities and their machines, units, berths... are offerings of these kinds: units,
    meeting rooms and flex desks are workspace, berths, docks and storage terminal services."""
    if isinstance(obj, Facility):
        return _OFFERING_KIND[obj.kind]
    return _RESOURCE_OFFERING_KIND.get(obj.kind, "workspace")


def _number_nl(value, places: int = 0) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _euro_nl(value) -> str:
    return "€ " + _number_nl(value, 2)


def _area_nl(value) -> str:
    places = 0 if value == value.to_integral_value() else 1
    return f"{_number_nl(value, places)} m²"


def offering_title(obj) -> str:
    """The offering's title: the name of a facility, "Kantoor 3 (Ondernemerscentrum Kortrijk)"
    for a resource."""
    if isinstance(obj, Facility):
        return obj.name[:300]
    return f"{obj.name} ({obj.facility.name})"[:300]


def offering_description(obj) -> str:
    """The Dutch catalogue description of a facility or resource: its own description, then
    what it is, where, for whom and at what price (floor area and rent for a unit)."""
    if isinstance(obj, Facility):
        return obj.description or obj.name
    facility = obj.facility
    place = facility.name
    if facility.municipality_id and facility.municipality.name_nl not in facility.name:
        place += f", {facility.municipality.name_nl}"
    noun = _RESOURCE_NOUN_NL.get(obj.kind, obj.get_kind_display())
    facts = []
    if obj.is_leasable:
        size = f" van {_area_nl(obj.floor_area_m2)}" if obj.floor_area_m2 else ""
        facts.append(f"{noun}{size} te huur per maand in {place}.")
        if facility.kind == FacilityKind.BUSINESS_CENTRE:
            stay = (
                f" (maximaal {facility.starter_max_stay_months} maanden)"
                if facility.starter_max_stay_months
                else ""
            )
            facts.append(f"Voor starters en jonge bedrijven{stay}.")
        if obj.monthly_price is not None:
            facts.append(f"Huurprijs {_euro_nl(obj.monthly_price)} per maand.")
    if obj.is_bookable:
        places = f" ({obj.capacity} plaatsen)" if obj.capacity > 1 else ""
        verb = "Ook" if obj.is_leasable else f"{noun}{places} in {place},"
        facts.append(f"{verb} te boeken per uur of dagdeel.")
        if obj.sme_hour is not None:
            facts.append(f"KMO-tarief {_euro_nl(obj.sme_hour)} per uur.")
        elif obj.standard_hour is not None:
            facts.append(f"Tarief {_euro_nl(obj.standard_hour)} per uur.")
        if obj.operator_required:
            facts.append("Altijd met een operator van de faciliteit.")
        if obj.required_certificate:
            facts.append(f"Zelfstandig gebruik na: {obj.required_certificate}.")
    if not facts:
        facts.append(f"{noun} in {place}.")
    return "\n\n".join(p for p in (obj.description.strip(), " ".join(facts)) if p)


def sync_offering(obj, actor=None, resources: bool = True):
    """Create or update the catalogue offering of a facility or resource (same id, operator as
    provider) so the catalogue and the matching engine know it.

    Nothing is saved when nothing changed (the matching index is not disturbed). A facility's
    sync also brings the offerings of its resources in step (its name is in their titles, and
    closing it archives them), unless `resources` is False.
    """
    from schakel.catalog import services as catalog_services
    from schakel.catalog.models import Offering

    facility = obj if isinstance(obj, Facility) else obj.facility
    offering = obj.offering or Offering.objects.filter(external_id=obj.external_id).first()
    before = audit.snapshot(offering) if offering else None
    if offering is None:
        offering = Offering(external_id=obj.external_id, source=GENERATED_SOURCE)
    offering.kind = offering_kind_for(obj)
    offering.provider = facility.operator
    generated = offering.source == GENERATED_SOURCE
    if generated or not offering.title_nl:
        offering.title_nl = offering_title(obj)
    if generated or not (offering.description_nl or offering.description_en):
        offering.description_nl = offering_description(obj)
    if facility.municipality_id and not offering.municipality_id:
        offering.municipality_id = facility.municipality_id
    offering.is_archived = not (obj.is_active and facility.is_active)
    with transaction.atomic():
        if before is None or audit.snapshot(offering) != before:
            catalog_services.save_offering(offering, actor, before)
        if obj.offering_id != offering.pk:
            type(obj).objects.filter(pk=obj.pk).update(offering=offering)
            obj.offering = offering
        if resources and isinstance(obj, Facility):
            for resource in facility.resources.filter(offering__isnull=False).select_related(
                "offering"
            ):
                resource.facility = facility
                sync_offering(resource, actor)
    return offering


# --- set-up: facilities, resources, opening hours, closures ------------------------------
#
# Managers and agency staff set their facilities up on screen (until now only in the Django
# admin). Each function saves in one transaction, writes the audit trail and keeps the
# catalogue offering in step, so a failed catalogue sync leaves nothing half-written.


def facilities_for_setup(user):
    """The facilities `user` may set up: agency staff and administrators all of them, a
    facility manager the ones they manage, anybody else none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Facility.objects.none()
    if user.is_agency:
        return Facility.objects.all()
    return Facility.objects.filter(managers=user).distinct()


def may_create_facility(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_agency


def _check_catalogue_id(obj) -> None:
    """A new facility or resource must not take over a catalogue offering that belongs to
    something else: `sync_offering` adopts an offering with the same id."""
    from schakel.catalog.models import Offering

    taken = Offering.objects.filter(external_id=obj.external_id)
    if obj.offering_id:
        taken = taken.exclude(pk=obj.offering_id)
    if obj._state.adding and taken.exists():
        raise field_error(
            "external_id",
            _("The catalogue already has an offering with this id; choose another one."),
            "external_id_taken",
        )


@transaction.atomic
def save_for_setup(obj: Facility | Resource, actor, before: dict | None = None):
    """Save a facility or resource edited on screen (new when `before` is None), audited,
    then its catalogue offering."""
    _check_catalogue_id(obj)
    obj.full_clean()
    obj.save()
    if before is None:
        audit.record_create(obj, actor)
    else:
        audit.record_update(obj, before, actor)
    sync_offering(obj, actor)
    return obj


save_for_setup.alters_data = True


def _end_minutes(closes: dt.time) -> int:
    """Minutes after midnight at which an interval ends; 00:00 closes at midnight."""
    return 24 * 60 if closes == dt.time(0, 0) else closes.hour * 60 + closes.minute


def opening_hours_errors(rows) -> list:
    """Problems with a week of opening hours: (index, field, message) per bad row.

    `rows` are dicts with `weekday`, `opens`, `closes` and `resource` (None for the whole
    facility). Closing 00:00 means midnight at the end of the day, as in `availability`.
    Intervals of the same day (and resource) may not overlap.
    """
    problems = []
    by_day: dict[tuple, list] = {}
    for index, row in enumerate(rows):
        opens, closes = row["opens"], row["closes"]
        start = opens.hour * 60 + opens.minute
        end = _end_minutes(closes)
        if end <= start:
            problems.append(
                (
                    index,
                    "closes",
                    _("Closing time must be after opening time (00:00 means midnight)."),
                )
            )
            continue
        resource = row.get("resource")
        key = (row["weekday"], resource.pk if resource else None)
        by_day.setdefault(key, []).append((start, end, index))
    for intervals in by_day.values():
        intervals.sort()
        for (_start, previous_end, _i), (start, _end, index) in zip(
            intervals, intervals[1:], strict=False
        ):
            if start < previous_end:
                problems.append(
                    (index, "opens", _("This overlaps another interval on the same day."))
                )
    return problems


def _hours_text(row) -> str:
    resource = row.get("resource") if isinstance(row, dict) else row.resource
    weekday = row["weekday"] if isinstance(row, dict) else row.weekday
    opens = row["opens"] if isinstance(row, dict) else row.opens
    closes = row["closes"] if isinstance(row, dict) else row.closes
    text = f"{weekday} {opens:%H:%M}-{closes:%H:%M}"
    return f"{text} ({resource.name})" if resource else text


@transaction.atomic
def set_opening_hours(facility: Facility, rows, actor) -> list:
    """Replace the weekly opening hours of a facility (and of its resources with their own
    hours) by `rows`, all or nothing; the audit trail keeps the week before and after."""
    rows = list(rows)
    problems = opening_hours_errors(rows)
    if problems:
        raise ValidationError([message for _index, _field, message in problems])
    for row in rows:
        resource = row.get("resource")
        if resource is not None and resource.facility_id != facility.pk:
            raise field_error(
                "resource", _("This resource belongs to another facility."), "wrong_facility"
            )
    from schakel.facilities.models import OpeningHours

    Facility.objects.select_for_update().filter(pk=facility.pk).first()
    existing = list(facility.opening_hours.select_related("resource"))
    before = sorted(_hours_text(row) for row in existing)
    facility.opening_hours.all().delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(
            facility=facility,
            resource=row.get("resource"),
            weekday=row["weekday"],
            opens=row["opens"],
            closes=row["closes"],
        )
        for row in rows
    )
    after = sorted(_hours_text(row) for row in rows)
    if before != after:
        audit.record(
            facility,
            AuditEvent.Action.UPDATE,
            actor,
            changes={"opening_hours": [before, after]},
            message="Opening hours changed",
        )
    return created


set_opening_hours.alters_data = True


@transaction.atomic
def add_closure(
    facility: Facility,
    starts_on: dt.date,
    ends_on: dt.date,
    actor,
    resource: Resource | None = None,
    reason: str = "",
):
    """Close a facility (or one of its resources) from `starts_on` to `ends_on` included.
    Bookings already made in the period stay: the manager decides what to do with them."""
    from schakel.facilities.models import Closure

    if resource is not None and resource.facility_id != facility.pk:
        raise field_error(
            "resource", _("This resource belongs to another facility."), "wrong_facility"
        )
    closure = Closure(
        facility=facility, resource=resource, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    closure.full_clean()
    closure.save()
    audit.record_create(closure, actor)
    return closure


add_closure.alters_data = True


def bookings_during(closure):
    """Active bookings that fall (partly) on the closed days."""
    zone = availability.local_zone()
    start = dt.datetime.combine(closure.starts_on, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(closure.ends_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    bookings = Booking.objects.active().filter(
        resource__facility_id=closure.facility_id, start__lt=end, end__gt=start
    )
    if closure.resource_id:
        bookings = bookings.filter(resource_id=closure.resource_id)
    return bookings


@transaction.atomic
def remove_closure(closure, actor) -> None:
    before = audit.snapshot(closure)
    audit.record(
        closure,
        AuditEvent.Action.DELETE,
        actor,
        changes={name: [value, None] for name, value in before.items()},
    )
    closure.delete()


remove_closure.alters_data = True
