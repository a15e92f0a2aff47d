"""Set-up screens: a facility's data, its resources, weekly opening hours and closures.

Who: agency staff and administrators set up every facility (and only they add one); a facility
manager sets up the facilities they manage. Anybody else gets 404, as on the manager's desk.
The rules and the audit trail live in `services` (`save_for_setup`,
`set_opening_hours`, `add_closure`, `remove_closure`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from schakel.core import audit
from schakel.facilities import services
from schakel.facilities.forms import ClosureForm, FacilityForm, OpeningHoursFormSet, ResourceForm
from schakel.facilities.models import ACTIVE_STATUSES, Closure, Facility, Resource


def _facility_for_setup(request, pk) -> Facility:
    """Out of the user's set-up reach: 404 (no hint that the facility exists)."""
    return get_object_or_404(
        services.facilities_for_setup(request.user).select_related("operator", "municipality"),
        pk=pk,
    )


def _report_errors(form, exc: ValidationError, new: bool) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form).

    The service's transaction was rolled back: a new record was not kept, so the form
    shows it as new again."""
    if new:
        form.instance.pk = None
        form.instance._state.adding = True
    for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        form.add_error(name if name in form.fields else None, errors)


def _saved(request, form, before):
    """The facility or resource saved from a posted form, or None when the form or a rule of
    the service refused it (the errors are then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.save_for_setup(form.save(commit=False), request.user, before)
    except ValidationError as exc:
        _report_errors(form, exc, new=before is None)
        return None


@login_required
def facility_list(request):
    facilities = services.facilities_for_setup(request.user)
    may_create = services.may_create_facility(request.user)
    if not may_create and not facilities.exists():
        raise Http404
    facilities = facilities.select_related("operator").annotate(
        resource_count=Count("resources", distinct=True)
    )
    return render(
        request,
        "facilities/setup/facility_list.html",
        {"facilities": facilities.order_by("name", "id"), "may_create": may_create},
    )


@login_required
def facility_create(request):
    if not services.may_create_facility(request.user):
        raise Http404
    return _facility_form(request, Facility(), before=None)


@login_required
def facility_edit(request, pk):
    facility = _facility_for_setup(request, pk)
    return _facility_form(request, facility, before=audit.snapshot(facility))


def _facility_form(request, facility: Facility, before):
    form = FacilityForm(request.POST or None, instance=facility, user=request.user)
    saved = _saved(request, form, before)
    if saved:
        messages.success(request, _("Facility saved."))
        return redirect("facilities:setup_facility", saved.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "facility": facility if facility.pk else None}
    return render(request, "facilities/setup/facility_form.html", context, status=status)


@login_required
def resource_list(request, pk):
    facility = _facility_for_setup(request, pk)
    resources = facility.resources.annotate(
        hours_count=Count("opening_hours", distinct=True),
        upcoming_bookings=Count(
            "bookings",
            filter=Q(bookings__end__gt=timezone.now(), bookings__status__in=ACTIVE_STATUSES),
            distinct=True,
        ),
    ).order_by("name", "id")
    return render(
        request,
        "facilities/setup/resource_list.html",
        {"facility": facility, "resources": resources},
    )


@login_required
def resource_create(request, pk):
    facility = _facility_for_setup(request, pk)
    return _resource_form(request, facility, Resource(facility=facility), before=None)


@login_required
def resource_edit(request, pk, resource_pk):
    facility = _facility_for_setup(request, pk)
    resource = get_object_or_404(facility.resources.all(), pk=resource_pk)
    return _resource_form(request, facility, resource, before=audit.snapshot(resource))


def _resource_form(request, facility: Facility, resource: Resource, before):
    form = ResourceForm(request.POST or None, instance=resource)
    if _saved(request, form, before):
        messages.success(request, _("Resource saved."))
        return redirect("facilities:setup_resources", facility.pk)
    status = 400 if request.method == "POST" else 200
    context = {"facility": facility, "resource": resource if resource.pk else None, "form": form}
    return render(request, "facilities/setup/resource_form.html", context, status=status)


def _current_rows(facility: Facility) -> list[dict]:
    return [
        {"weekday": row.weekday, "opens": row.opens, "closes": row.closes, "resource": row.resource}
        for row in facility.opening_hours.select_related("resource").order_by(
            "resource__name", "weekday", "opens"
        )
    ]


@login_required
def opening_hours(request, pk):
    facility = _facility_for_setup(request, pk)
    initial = _current_rows(facility)
    formset = OpeningHoursFormSet(
        request.POST or None, initial=initial, facility=facility, prefix="hours"
    )
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            try:
                services.set_opening_hours(facility, formset.rows(), request.user)
            except ValidationError as exc:
                formset._non_form_errors.extend(exc.messages)
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect("facilities:setup_hours", facility.pk)
        status = 400
    return render(
        request,
        "facilities/setup/opening_hours.html",
        {"facility": facility, "formset": formset},
        status=status,
    )


@login_required
def closures(request, pk):
    facility = _facility_for_setup(request, pk)
    form = ClosureForm(request.POST or None, facility=facility)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                closure = services.add_closure(
                    facility,
                    data["starts_on"],
                    data["ends_on"],
                    request.user,
                    resource=data["resource"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                _report_errors(form, exc, new=False)
            else:
                messages.success(request, _("Closure added."))
                affected = services.bookings_during(closure).count()
                if affected:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)s active booking falls in this closure; it is not "
                            "cancelled automatically.",
                            "%(count)s active bookings fall in this closure; they are not "
                            "cancelled automatically.",
                            affected,
                        )
                        % {"count": affected},
                    )
                return redirect("facilities:setup_closures", facility.pk)
        status = 400
    today = timezone.localdate()
    listed = facility.closures.select_related("resource").order_by("starts_on", "id")
    context = {
        "facility": facility,
        "form": form,
        "upcoming": listed.filter(ends_on__gte=today),
        "past": listed.filter(ends_on__lt=today).order_by("-starts_on")[:10],
    }
    return render(request, "facilities/setup/closures.html", context, status=status)


@login_required
@require_POST
def closure_delete(request, pk, closure_pk):
    facility = _facility_for_setup(request, pk)
    closure = get_object_or_404(Closure.objects.filter(facility=facility), pk=closure_pk)
    services.remove_closure(closure, request.user)
    messages.success(request, _("Closure removed."))
    return redirect("facilities:setup_closures", facility.pk)
