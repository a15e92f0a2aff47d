"""Finding resources, seeing their calendar and price, booking, and one's bookings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.facilities import availability, pricing, services
from schakel.facilities.filters import BookingFilter, ResourceFilter
from schakel.facilities.forms import BookingForm, CancelForm
from schakel.facilities.models import Booking, BookingStatus, Resource
from schakel.facilities.views.common import (
    get_booking_for_user,
    get_resource_for_user,
    page_of,
)


def _may_book(user) -> bool:
    return user.is_agency or user.is_company_user


@login_required
def resource_list(request):
    queryset = (
        Resource.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("facility")
        .order_by("facility__name", "name", "id")
    )
    filterset = ResourceFilter(request.GET, queryset=queryset)
    for field in filterset.form.fields.values():
        field.widget.attrs.setdefault("class", "form-control form-control-sm")
    page = page_of(request, filterset.qs)
    context = {"filter": filterset, "page": page}
    if request.htmx and not request.htmx.boosted:
        return render(request, "facilities/_resource_rows.html", context)
    return render(request, "facilities/resource_list.html", context)


def _detail_context(request, resource, form):
    company = getattr(request, "acting_company", None) if request.user.is_company_user else None
    now = timezone.now()
    return {
        "resource": resource,
        "facility": resource.facility,
        "form": form,
        "may_book": _may_book(request.user) and resource.is_bookable,
        "company": company,
        "is_sme": pricing.is_sme(company) if company else None,
        "opening_hours": resource.opening_hours.all()
        or resource.facility.opening_hours.filter(resource__isnull=True),
        "closures": resource.facility.closures.filter(ends_on__gte=timezone.localdate())[:5],
        "next_free": availability.next_free_slot(resource, now) if resource.is_bookable else None,
        "events_url": reverse("facilities:resource_events", args=[resource.pk]),
        "can_manage": resource.facility.managers.filter(pk=request.user.pk).exists()
        or request.user.is_admin,
    }


@login_required
def resource_detail(request, pk):
    resource = get_resource_for_user(request, pk)
    form = None
    if _may_book(request.user) and resource.is_bookable:
        initial = {}
        if request.GET.get("start") and request.GET.get("end"):
            initial = {"start": request.GET["start"][:16], "end": request.GET["end"][:16]}
        form = BookingForm(user=request.user, resource=resource, initial=initial)
    return render(
        request, "facilities/resource_detail.html", _detail_context(request, resource, form)
    )


def _bound_form(request, resource):
    if not _may_book(request.user) or not resource.is_bookable:
        raise PermissionDenied
    return BookingForm(request.POST, user=request.user, resource=resource)


@login_required
@require_POST
def resource_quote(request, pk):
    """The price before confirming (an htmx fragment)."""
    resource = get_resource_for_user(request, pk)
    form = _bound_form(request, resource)
    context = {"form": form, "resource": resource}
    if form.is_valid():
        company = form.chosen_company(getattr(request, "acting_company", None))
        if company is not None:
            try:
                start, end = services.validate_period(
                    resource,
                    form.cleaned_data["start"],
                    form.cleaned_data["end"],
                    places=form.cleaned_data["places"],
                )
                quote = pricing.quote(resource, company, start, end, form.cleaned_data["places"])
                context.update(
                    quote=quote,
                    weeks=form.cleaned_data["weeks"],
                    total_incl=quote.amount_incl_vat * form.cleaned_data["weeks"],
                    company=company,
                    with_operator=services.needs_operator(
                        resource, company, timezone.localtime(start).date()
                    ),
                    conflicts=availability.conflicts(
                        resource,
                        *services.blocked_period(resource, start, end),
                        form.cleaned_data["places"],
                    ),
                )
            except ValidationError as exc:
                context["errors"] = exc.messages
    return render(request, "facilities/_quote.html", context)


@login_required
@require_POST
def resource_book(request, pk):
    resource = get_resource_for_user(request, pk)
    form = _bound_form(request, resource)
    status = 400
    context_extra = {}
    if form.is_valid():
        company = form.chosen_company(getattr(request, "acting_company", None))
        data = form.cleaned_data
        try:
            if company is None:
                raise ValidationError(_("Choose the company the booking is for."))
            if data["weeks"] > 1:
                made = services.create_recurring(
                    resource,
                    company,
                    data["start"],
                    data["end"],
                    data["weeks"],
                    request.user,
                    places=data["places"],
                    note=data["note"],
                )
                messages.success(
                    request,
                    _("%(count)s weekly bookings made.") % {"count": len(made)},
                )
                return redirect("facilities:booking_list")
            booking = services.create_booking(
                resource,
                company,
                data["start"],
                data["end"],
                request.user,
                places=data["places"],
                note=data["note"],
            )
        except services.BookingConflict as exc:
            status = 409
            context_extra["conflicts"] = exc.conflicts
            form.add_error(None, str(exc.message))
        except services.RecurringConflict as exc:
            status = 409
            context_extra["problems"] = exc.problems
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            if booking.status == BookingStatus.REQUESTED:
                messages.info(
                    request, _("Your request was sent; the facility manager will confirm it.")
                )
            else:
                messages.success(request, _("Booked and confirmed."))
            return redirect("facilities:booking_detail", booking.pk)
    context = _detail_context(request, resource, form)
    context.update(context_extra)
    return render(request, "facilities/resource_detail.html", context, status=status)


@login_required
def booking_list(request):
    queryset = (
        Booking.objects.visible_to(request.user)
        .select_related("resource__facility", "company")
        .order_by("-start", "-id")
    )
    filterset = BookingFilter(request.GET, queryset=queryset)
    page = page_of(request, filterset.qs)
    context = {"filter": filterset, "page": page}
    if request.htmx and not request.htmx.boosted:
        return render(request, "facilities/_booking_rows.html", context)
    return render(request, "facilities/booking_list.html", context)


@login_required
def booking_detail(request, pk):
    booking = get_booking_for_user(request, pk)
    now = timezone.now()
    may_cancel = (
        booking.is_active
        and booking.start > now
        and Booking.objects.visible_to(request.user, "cancel").filter(pk=pk).exists()
    )
    fee = None
    if may_cancel:
        fee = pricing.cancellation_fee(booking, now) if request.user.is_company_user else None
    from schakel.core import audit

    context = {
        "booking": booking,
        "may_cancel": may_cancel,
        "fee": fee,
        "cancel_form": CancelForm(),
        "events": audit.events_for(booking)[:20] if request.user.is_agency else None,
    }
    return render(request, "facilities/booking_detail.html", context)


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = get_booking_for_user(request, pk, "cancel")
    form = CancelForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        booking = services.cancel(booking, request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if booking.cancellation_fee:
            messages.warning(
                request,
                _("Booking cancelled. A cancellation fee of € %(fee)s (excl. VAT) applies.")
                % {"fee": booking.cancellation_fee},
            )
        else:
            messages.success(request, _("Booking cancelled, free of charge."))
    return redirect("facilities:booking_detail", booking.pk)
