"""Infrastructure the agency owns or runs: test facilities and their machines, business centres
and their units, terminals and their berths; bookings of resources by the hour and leases of
units by the month.

No double booking: an exclusive resource (capacity 1) and a leased unit each carry a
PostgreSQL exclusion constraint over their time range (created by migration 0002 on
PostgreSQL only); the services also lock the resource row and check again, which is the
guarantee on SQLite (IMMEDIATE transactions) and the one that counts places for resources
with a capacity above one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimeStampedModel

SME_SIZES = ("micro", "small", "medium")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class FacilityKind(models.TextChoices):
    TEST_FACILITY = "test_facility", _("test facility")
    BUSINESS_CENTRE = "business_centre", _("business centre")
    TERMINAL = "terminal", _("terminal")


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Everybody signed in sees active facilities; agency staff all; `manage` is for the
        facility's managers and administrators."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if action == "view":
            if user.is_agency:
                return self
            return self.filter(Q(is_active=True) | Q(managers=user)).distinct()
        if user.is_admin:
            return self
        return self.filter(managers=user)

    def managed_by(self, user):
        if getattr(user, "is_admin", False):
            return self
        return self.filter(managers=user)


class Facility(TimeStampedModel):
    """A test facility, business centre or terminal: the place with opening hours and a manager."""

    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=200)
    external_id = models.SlugField(_("catalogue id"), max_length=80, unique=True)
    # PROTECT: an operator with facilities cannot disappear from the register.
    operator = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="operated_facilities",
        verbose_name=_("operator"),
    )
    # SET_NULL: the facility stays when its catalogue entry is removed; the sync recreates it.
    offering = models.OneToOneField(
        "catalog.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facility",
        verbose_name=_("catalogue offering"),
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(
        _("booking e-mail"), blank=True, help_text=_("Where booking requests are announced.")
    )
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    starter_max_stay_months = models.PositiveSmallIntegerField(
        _("maximum stay of a starter (months)"),
        null=True,
        blank=True,
        help_text=_("Business centres: total months a company may lease units here."),
    )
    lease_warning_days = models.PositiveSmallIntegerField(
        _("warn ahead (days)"),
        default=180,
        help_text=_("Warn this many days before a lease or the maximum stay ends."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FacilityManager",
        related_name="managed_facilities",
        verbose_name=_("managers"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class FacilityManager(models.Model):
    """A user (agency staff or a partner's employee) who runs a facility's bookings and leases."""

    # CASCADE: the assignment means nothing without either side.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, verbose_name=_("facility"))

    class Meta:
        verbose_name = _("facility manager")
        verbose_name_plural = _("facility managers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "facility"], name="facilities_facilitymanager_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.facility}"


class ResourceKind(models.TextChoices):
    EQUIPMENT = "equipment", _("equipment")
    TEST_SPACE = "test_space", _("test hall or space")
    OFFICE = "office", _("office")
    WORKSHOP = "workshop", _("workshop")
    LAB = "lab", _("lab")
    MEETING_ROOM = "meeting_room", _("meeting room")
    FLEX_DESK = "flex_desk", _("flex desk")
    BERTH = "berth", _("quay berth (barge handling)")
    TRUCK_DOCK = "truck_dock", _("truck handling")
    STORAGE = "storage", _("storage area")


# Units a business centre leases by the month (and the waiting list asks for).
UNIT_KINDS = (ResourceKind.OFFICE, ResourceKind.WORKSHOP, ResourceKind.LAB)


# An SME and a standard price per hour, half day and day (EUR, excl. VAT).
TARIFF_FIELDS = (
    "sme_hour",
    "standard_hour",
    "sme_half_day",
    "standard_half_day",
    "sme_day",
    "standard_day",
)


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if action == "view":
            if user.is_agency:
                return self
            return self.filter(
                Q(is_active=True, facility__is_active=True) | Q(facility__managers=user)
            ).distinct()
        return self.filter(facility__in=Facility.objects.managed_by(user))

    def bookable(self):
        return self.filter(is_bookable=True, is_active=True, facility__is_active=True)


def _money(**kwargs):
    return models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class Resource(TimeStampedModel):
    """Something bookable or leasable at a facility: a machine, a unit, a desk, a berth."""

    # PROTECT: resources with bookings outlive a mistaken delete of the facility.
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="resources", verbose_name=_("facility")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    external_id = models.SlugField(_("catalogue id"), max_length=80, unique=True)
    offering = models.OneToOneField(
        "catalog.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facility_resource",
        verbose_name=_("catalogue offering"),
    )
    description = models.TextField(_("description"), blank=True)
    specifications = models.JSONField(
        _("specifications"), default=dict, blank=True, help_text=_("Name → value, e.g. power.")
    )
    photo_url = models.URLField(_("photo"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many bookings may share the same time (flex desks: the number of desks)."),
    )
    is_bookable = models.BooleanField(_("bookable by the hour"), default=True)
    is_leasable = models.BooleanField(_("leased by the month"), default=False)
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_("Bookings wait for the facility manager's approval."),
    )
    operator_required = models.BooleanField(
        _("operator present"),
        default=False,
        help_text=_("An operator of the facility must always be present."),
    )
    required_certificate = models.CharField(
        _("certificate to use it alone"),
        max_length=200,
        blank=True,
        help_text=_("Training or certificate a user needs before booking without an operator."),
    )
    sme_hour = _money(verbose_name=_("SME tariff per hour"))
    standard_hour = _money(verbose_name=_("standard tariff per hour"))
    sme_half_day = _money(verbose_name=_("SME tariff per half day"))
    standard_half_day = _money(verbose_name=_("standard tariff per half day"))
    sme_day = _money(verbose_name=_("SME tariff per day"))
    standard_day = _money(verbose_name=_("standard tariff per day"))
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    monthly_price = _money(verbose_name=_("monthly price"))
    setup_minutes = models.PositiveSmallIntegerField(_("set-up before (minutes)"), default=0)
    cleanup_minutes = models.PositiveSmallIntegerField(_("cleaning after (minutes)"), default=0)
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    max_booking_hours = models.PositiveSmallIntegerField(
        _("longest booking (hours)"), default=24, validators=[MinValueValidator(1)]
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("book at most this many days ahead"), default=365
    )
    free_cancellation_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=48
    )
    late_cancellation_percent = models.PositiveSmallIntegerField(
        _("late cancellation fee (%)"), default=50, validators=[MaxValueValidator(100)]
    )
    ics_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, default=new_token
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["facility__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.facility.name})"

    @property
    def is_exclusive(self) -> bool:
        return self.capacity == 1

    @property
    def has_tariff(self) -> bool:
        return any(getattr(self, name) is not None for name in TARIFF_FIELDS)


class OpeningHours(models.Model):
    """One opening interval on a weekday, for a facility or (handling windows) one resource.

    A resource with its own rows uses them instead of the facility's. `closes` 00:00 means
    midnight at the end of the day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("facility")
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opening_hours",
        verbose_name=_("only for resource"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes=dt.time(0, 0)),
                name="facilities_openinghours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a facility (or one resource, for maintenance) is closed, both dates included."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closures", verbose_name=_("facility")
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("only for resource"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="facilities_closure_period",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.starts_on} – {self.ends_on}"


class CompanyCertificate(models.Model):
    """A company's people are trained to use a resource without an operator (until a date)."""

    company = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="facility_certificates",
        verbose_name=_("company"),
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("resource")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "resource"], name="facilities_certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} – {self.resource}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CONFIRMED = "confirmed", _("confirmed")
    COMPLETED = "completed", _("completed")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("no-show")


# Bookings that hold their slot (tentative or booked).
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The one gate for bookings.

        - view: agency staff all; facility managers their facilities; company users the
          bookings of the companies they act for;
        - cancel: the same people (staff on behalf of a company, managers for their facility);
        - manage (approve, reject, no-show, usage, export): administrators all, otherwise only
          the facilities the user manages.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        managed = Q(resource__facility__managers=user)
        if action == "manage":
            if user.is_admin:
                return self
            return self.filter(managed).distinct()
        if user.is_agency:
            return self
        if user.is_company_user:
            return self.filter(company_id__in=user.represented_company_ids())
        return self.filter(managed).distinct()

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, start, end):
        """Bookings whose blocked time (with buffers) meets [start, end)."""
        return self.filter(blocked_start__lt=end, blocked_end__gt=start)


class Booking(TimeStampedModel):
    """A company's use of a resource for a period; its price is fixed when it is made."""

    class CancelledBy(models.TextChoices):
        COMPANY = "company", _("the company")
        FACILITY = "facility", _("the facility")
        AGENCY = "agency", _("the agency")

    # PROTECT: bookings are the invoicing record; resources and companies keep them.
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resource")
    )
    company = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="facility_bookings",
        verbose_name=_("company"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The period the resource is unavailable: set-up before and cleaning after included.
    blocked_start = models.DateTimeField(_("blocked from"), editable=False)
    blocked_end = models.DateTimeField(_("blocked until"), editable=False)
    # Copied from the resource (capacity 1): the PostgreSQL exclusion constraint's condition.
    exclusive = models.BooleanField(_("exclusive"), default=True, editable=False)
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    with_operator = models.BooleanField(_("with an operator"), default=False)
    # The recurring booking a booking belongs to (one random id per series).
    series = models.CharField(_("series"), max_length=36, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)
    tariff = models.CharField(_("tariff"), max_length=8, blank=True)
    price_detail = models.CharField(_("price detail"), max_length=300, blank=True)
    amount_excl_vat = models.DecimalField(
        _("amount excl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    vat_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=0)
    amount_incl_vat = models.DecimalField(
        _("amount incl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancelled_by_party = models.CharField(
        _("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_fee = models.DecimalField(
        _("cancellation fee excl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    used_minutes = models.PositiveIntegerField(_("used (minutes)"), null=True, blank=True)
    usage_note = models.CharField(_("usage note"), max_length=300, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        indexes = [
            # Availability and conflict checks: one resource's bookings meeting a period. It
            # covers every column those queries read, so they never visit the table (an
            # index-only scan): a year of a busy machine is 10,000 rows.
            models.Index(
                fields=["resource", "blocked_start", "blocked_end", "status", "places"],
                name="facilities_booking_cover_idx",
            ),
            # "My bookings" and the company timeline, newest first.
            models.Index(fields=["company", "-start"], name="facilities_booking_company_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="facilities_booking_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=models.F("start"))
                & Q(blocked_end__gte=models.F("end")),
                name="facilities_booking_blocked_covers_period",
            ),
            models.CheckConstraint(
                condition=Q(amount_excl_vat__gte=0) & Q(cancellation_fee__gte=0),
                name="facilities_booking_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.resource.name} {local:%d/%m/%Y %H:%M} ({self.company})"

    @property
    def duration(self) -> dt.timedelta:
        """The real duration: aware datetimes subtract in UTC, so summer time is honoured."""
        return self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC)

    @property
    def hours(self) -> Decimal:
        return (Decimal(int(self.duration.total_seconds())) / Decimal(3600)).quantize(
            Decimal("0.01")
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def billable_excl_vat(self) -> Decimal:
        """What the company is invoiced: the booking when used or missed, the fee if cancelled."""
        if self.status in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CONFIRMED):
            return self.amount_excl_vat
        if self.status == BookingStatus.CANCELLED:
            return self.cancellation_fee
        return Decimal("0")


class LeaseStatus(models.TextChoices):
    SIGNED = "signed", _("signed")
    TERMINATED = "terminated", _("terminated early")
    CANCELLED = "cancelled", _("cancelled")


class LeaseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        managed = Q(unit__facility__managers=user)
        if action == "view" and user.is_agency:
            return self
        if action != "view":
            if user.is_admin:
                return self
            return self.filter(managed).distinct()
        if user.is_company_user:
            return self.filter(company_id__in=user.represented_company_ids())
        return self.filter(managed).distinct()

    def holding(self):
        """Leases that occupy their unit (not cancelled)."""
        return self.exclude(status=LeaseStatus.CANCELLED)

    def current_on(self, day: dt.date):
        return self.holding().filter(starts_on__lte=day, ends_on__gte=day)


class Lease(TimeStampedModel):
    """A company rents a business-centre unit from `starts_on` to `ends_on` (both included)."""

    unit = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="leases", verbose_name=_("unit")
    )
    company = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="facility_leases",
        verbose_name=_("company"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    monthly_rent = models.DecimalField(
        _("monthly rent"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    deposit = models.DecimalField(
        _("deposit"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LeaseStatus.choices, default=LeaseStatus.SIGNED
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    warned_at = models.DateTimeField(_("end warning sent at"), null=True, blank=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["unit", "starts_on"], name="facilities_lease_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="facilities_lease_period",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.company} ({self.starts_on} – {self.ends_on})"

    @property
    def months(self) -> int:
        """Whole months started between start and end (both included)."""
        return months_between(self.starts_on, self.ends_on)


def months_between(first: dt.date, last: dt.date) -> int:
    """Months from `first` to `last` inclusive, a started month counting as one."""
    months = (last.year - first.year) * 12 + (last.month - first.month)
    if last.day >= first.day:
        months += 1
    return max(months, 0) or 1


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    OFFERED = "offered", _("unit offered")
    PLACED = "placed", _("placed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class WaitingListQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_agency and (action == "view" or user.is_admin):
            return self
        if user.is_company_user and action == "view":
            return self.filter(company_id__in=user.represented_company_ids())
        return self.filter(centre__managers=user).distinct()

    def in_order(self):
        return self.order_by("requested_at", "id")


class WaitingListEntry(TimeStampedModel):
    """A company waiting for a unit of some kind in a business centre, with its needs."""

    centre = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="waiting_list", verbose_name=_("centre")
    )
    unit_kind = models.CharField(
        _("unit type"),
        max_length=16,
        choices=[(k.value, k.label) for k in UNIT_KINDS],
    )
    company = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="facility_waiting",
        verbose_name=_("company"),
    )
    needs = models.TextField(_("needs"), blank=True)
    min_area_m2 = models.DecimalField(
        _("at least (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    max_monthly_rent = models.DecimalField(
        _("at most per month"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    wanted_from = models.DateField(_("wanted from"), null=True, blank=True)
    requested_at = models.DateTimeField(_("on the list since"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    offered_unit = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit offered"),
    )

    objects = WaitingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "unit_kind", "company"],
                condition=Q(status__in=["waiting", "offered"]),
                name="facilities_waiting_once",
                violation_error_message=_(
                    "This company is already on the waiting list for this unit type."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre}: {self.company} ({self.get_unit_kind_display()})"


class CalendarFeed(models.Model):
    """The secret key of a user's personal iCalendar feed (their companies' bookings)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facility_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("key"), max_length=64, unique=True, default=new_token)
    renewed_at = models.DateTimeField(_("renewed at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class AvailabilityStamp(models.Model):
    """How many times a resource's bookings changed: availability is cached per stamp.

    Kept by database triggers on the bookings table (migration 0006), so every write counts,
    whichever way it is made (services, admin, bulk loads, raw SQL), and never by Python code.
    A separate table, not a field on Resource: saving a resource must not write it back.
    """

    resource = models.OneToOneField(
        Resource,
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,  # the triggers may stamp a resource in the same statement
        related_name="+",
        verbose_name=_("resource"),
    )
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("availability stamp")
        verbose_name_plural = _("availability stamps")

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.version}"
