"""The facility manager's desk: the day's and week's bookings of their facilities, requests to
approve, no-shows and usage, and the usage export for invoicing."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from schakel.core.validators import format_enterprise_number, neutralize_formula
from schakel.facilities import availability, pricing, services
from schakel.facilities.forms import ExportForm, ReasonForm, UsageForm
from schakel.facilities.models import Booking, BookingStatus
from schakel.facilities.views.common import get_booking_for_user, is_manager, managed_facilities


def _require_manager(request):
    if not is_manager(request.user):
        raise Http404


def _day_bounds(day: dt.date, days: int):
    zone = availability.local_zone()
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(0, 0), tzinfo=zone)
    return start, end


@login_required
def manage(request):
    _require_manager(request)
    view = request.GET.get("view", "day")
    if view not in ("day", "week"):
        view = "day"
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    if view == "week":
        day = day - dt.timedelta(days=day.weekday())
    days = 7 if view == "week" else 1
    start, end = _day_bounds(day, days)
    mine = Booking.objects.visible_to(request.user, "manage").select_related(
        "resource__facility", "company", "booked_by"
    )
    bookings = mine.filter(start__lt=end, end__gt=start).order_by("start", "id")
    pending = mine.filter(status=BookingStatus.REQUESTED, end__gt=timezone.now()).order_by("start")
    grouped: dict[dt.date, list] = {}
    for booking in bookings:
        grouped.setdefault(timezone.localtime(booking.start).date(), []).append(booking)
    context = {
        "view": view,
        "day": day,
        "previous": day - dt.timedelta(days=days),
        "next": day + dt.timedelta(days=days),
        "grouped": sorted(grouped.items()),
        "pending": pending[:100],
        "facilities": managed_facilities(request.user),
        "reason_form": ReasonForm(),
        "usage_form": UsageForm(),
        "export_form": ExportForm(
            initial={"start": day.replace(day=1), "end": timezone.localdate()}
        ),
        "now": timezone.now(),
    }
    return render(request, "facilities/manage.html", context)


@login_required
@require_POST
def booking_action(request, pk, action):
    booking = get_booking_for_user(request, pk, "manage")
    try:
        if action == "approve":
            services.approve(booking, request.user)
            messages.success(request, _("Booking approved; the company is told by e-mail."))
        elif action == "reject":
            form = ReasonForm(request.POST)
            form.is_valid()
            services.reject(booking, request.user, form.cleaned_data.get("reason", ""))
            messages.success(request, _("Booking rejected; the company is told by e-mail."))
        elif action == "no-show":
            services.mark_no_show(booking, request.user)
            messages.success(request, _("No-show recorded."))
        elif action == "usage":
            form = UsageForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the minutes used (zero or more)."))
            else:
                services.record_usage(
                    booking,
                    request.user,
                    form.cleaned_data["used_minutes"],
                    form.cleaned_data["note"],
                )
                messages.success(request, _("Usage recorded."))
        elif action == "cancel":
            services.cancel(booking, request.user)
            messages.success(request, _("Booking cancelled by the facility, free of charge."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(request.POST.get("next") or "facilities:manage")


EXPORT_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)


def usage_rows(bookings):
    """One invoicing line per booking that costs something (fee lines for late cancellations)."""
    header = [
        _("Booking"),
        _("Company"),
        _("Enterprise number"),
        _("Facility"),
        _("Resource"),
        _("Start"),
        _("End"),
        _("Hours"),
        _("Status"),
        _("Tariff"),
        _("Price detail"),
        _("Amount excl. VAT"),
        _("VAT"),
        _("Amount incl. VAT"),
    ]
    rows = []
    for booking in bookings:
        amount = booking.billable_excl_vat
        if not amount:
            continue
        vat = pricing.money(amount * pricing.VAT_RATE)
        detail = booking.price_detail
        if booking.status == BookingStatus.CANCELLED:
            detail = _("cancellation fee")
        rows.append(
            [
                booking.pk,
                booking.company.name,
                format_enterprise_number(booking.company.enterprise_number or ""),
                booking.resource.facility.name,
                booking.resource.name,
                timezone.localtime(booking.start).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(booking.end).strftime("%Y-%m-%d %H:%M"),
                booking.hours,
                booking.get_status_display(),
                _("SME") if booking.tariff == "sme" else _("standard"),
                detail,
                amount,
                vat,
                amount + vat,
            ]
        )
    return header, rows


@login_required
def export_usage(request, fmt):
    _require_manager(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ExportForm(request.GET)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect("facilities:manage")
    start, _end = _day_bounds(form.cleaned_data["start"], 0)
    end, _unused = _day_bounds(form.cleaned_data["end"] + dt.timedelta(days=1), 0)
    bookings = (
        Booking.objects.visible_to(request.user, "manage")
        .filter(start__gte=start, start__lt=end, status__in=EXPORT_STATUSES)
        .select_related("resource__facility", "company")
        .order_by("start", "id")
    )
    header, rows = usage_rows(bookings)
    name = "usage-{}-{}".format(form.cleaned_data["start"], form.cleaned_data["end"])
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Usage")[:31]
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append([neutralize_formula(v) if isinstance(v, str) else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([neutralize_formula(v) if isinstance(v, str) else v for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
