"""Leases of business-centre units, warnings ahead of their end, and the waiting lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.facilities import services
from schakel.facilities.forms import LeaseForm, TerminateForm, WaitingListForm
from schakel.facilities.models import (
    Facility,
    FacilityKind,
    Lease,
    Resource,
    WaitingListEntry,
    WaitingStatus,
)
from schakel.facilities.views.common import managed_facilities, page_of


def _lease_managers_only(request):
    if not (request.user.is_agency or request.user.managed_facilities.exists()):
        raise Http404


def _units_for(user):
    return (
        Resource.objects.filter(
            is_leasable=True, is_active=True, facility__in=managed_facilities(user)
        )
        .select_related("facility")
        .order_by("facility__name", "name")
    )


def _open_entries(entries):
    return entries.filter(status__in=[WaitingStatus.WAITING, WaitingStatus.OFFERED]).in_order()


def _with_positions(entries):
    """The entries with `position`, their real place in line per centre and unit type."""
    entries = list(entries)
    positions = {}
    for centre_id in {entry.centre_id for entry in entries}:
        positions.update(services.queue_positions(centre_id))
    for entry in entries:
        entry.position = positions.get(entry.pk)
    return entries


def _centres_for_companies():
    return Facility.objects.filter(kind=FacilityKind.BUSINESS_CENTRE, is_active=True).order_by(
        "name"
    )


@login_required
def lease_list(request):
    user = request.user
    leases = Lease.objects.visible_to(user).select_related("unit__facility", "company")
    if user.is_company_user:
        # A company sees its own leases and its own waiting-list entries, never candidates.
        my_entries = _open_entries(
            WaitingListEntry.objects.visible_to(user).select_related(
                "centre", "company", "offered_unit"
            )
        )
        return render(
            request,
            "facilities/lease_list.html",
            {
                "page": page_of(request, leases.order_by("-starts_on", "pk")),
                "warnings": [],
                "free_units": [],
                "my_entries": _with_positions(my_entries),
                "centres": _centres_for_companies(),
            },
        )
    _lease_managers_only(request)
    today = timezone.localdate()
    facilities = None if user.is_agency else managed_facilities(user)
    context = {
        "page": page_of(request, leases.order_by("unit__facility__name", "-starts_on")),
        "warnings": services.lease_warnings(today, facilities),
        "free_units": services.units_free_soon(facilities, today)[:50],
        "free_soon_days": services.FREE_SOON_DAYS,
        "centres": Facility.objects.filter(kind=FacilityKind.BUSINESS_CENTRE).order_by("name"),
        "may_create": _units_for(user).exists(),
    }
    return render(request, "facilities/lease_list.html", context)


@login_required
def lease_new(request):
    units = _units_for(request.user)
    if not units.exists():
        raise Http404
    form = LeaseForm(request.POST or None, units=units, initial=request.GET.dict() or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_lease(
                data["unit"],
                data["company_number"],
                data["starts_on"],
                data["ends_on"],
                data["monthly_rent"],
                request.user,
                deposit=data["deposit"],
                note=data["note"],
            )
        except services.BookingConflict as exc:
            form.add_error(None, str(exc.message))
            status = 409
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
            status = 400
        else:
            messages.success(request, _("Lease saved."))
            return redirect("facilities:lease_list")
    elif request.method == "POST":
        status = 400
    return render(request, "facilities/lease_form.html", {"form": form}, status=status)


@login_required
@require_POST
def lease_terminate(request, pk):
    lease = get_object_or_404(Lease.objects.visible_to(request.user), pk=pk)
    if not Lease.objects.visible_to(request.user, "manage").filter(pk=pk).exists():
        raise PermissionDenied
    form = TerminateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day of the lease."))
    else:
        try:
            services.terminate_lease(lease, form.cleaned_data["ends_on"], request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Lease ended; see the candidates for the free unit."))
    return redirect("facilities:lease_list")


@login_required
def waiting_list(request, pk):
    centre = get_object_or_404(
        Facility.objects.visible_to(request.user).filter(kind=FacilityKind.BUSINESS_CENTRE), pk=pk
    )
    user = request.user
    entries = (
        WaitingListEntry.objects.visible_to(user)
        .filter(centre=centre)
        .select_related("company", "offered_unit")
    )
    may_manage = user.is_admin or centre.managers.filter(pk=user.pk).exists()
    form = WaitingListForm(request.POST or None, user=user)
    if request.method == "POST":
        if not (may_manage or user.is_agency or user.is_company_user):
            raise PermissionDenied
        if form.is_valid():
            company = (
                getattr(request, "acting_company", None)
                if user.is_company_user
                else form.cleaned_data["company_number"]
            )
            if company is None:
                raise PermissionDenied
            fields = {
                key: form.cleaned_data[key]
                for key in ("min_area_m2", "max_monthly_rent", "wanted_from")
            }
            try:
                services.add_to_waiting_list(
                    centre,
                    company,
                    form.cleaned_data["unit_kind"],
                    user,
                    needs=form.cleaned_data["needs"],
                    **fields,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Added to the waiting list."))
                return redirect("facilities:waiting_list", centre.pk)
    context = {
        "centre": centre,
        "entries": _with_positions(_open_entries(entries)),
        "may_manage": may_manage,
        "form": form,
        "may_add": user.is_agency or user.is_company_user or may_manage,
        # Candidates name companies: only for the people who may offer the unit.
        "free_units": services.units_free_soon([centre]) if may_manage else [],
        "free_soon_days": services.FREE_SOON_DAYS,
    }
    return render(request, "facilities/waiting_list.html", context)


@login_required
@require_POST
def waiting_action(request, pk, action):
    entry = get_object_or_404(WaitingListEntry.objects.visible_to(request.user), pk=pk)
    user = request.user
    may_manage = user.is_admin or entry.centre.managers.filter(pk=user.pk).exists()
    try:
        if action == "withdraw" and (may_manage or user.is_company_user):
            services.withdraw(entry, user)
            messages.success(request, _("Removed from the waiting list."))
        elif action == "offer" and may_manage:
            unit = get_object_or_404(
                Resource.objects.filter(facility=entry.centre, is_leasable=True),
                pk=request.POST.get("unit"),
            )
            services.offer_unit(entry, unit, user)
            messages.success(request, _("Unit offered."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("facilities:waiting_list", entry.centre_id)
