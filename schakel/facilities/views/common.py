"""Helpers shared by the facility pages: per-object gates, pagination, error reporting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from schakel.facilities.models import Booking, Facility, Resource

PAGE_SIZE = 25


def get_resource_for_user(request, pk) -> Resource:
    return get_object_or_404(
        Resource.objects.visible_to(request.user).select_related("facility", "offering"), pk=pk
    )


def get_booking_for_user(request, pk, action="view") -> Booking:
    """Out of sight: 404; in sight but `action` not allowed: 403."""
    booking = get_object_or_404(
        Booking.objects.visible_to(request.user).select_related(
            "resource__facility", "company", "booked_by"
        ),
        pk=pk,
    )
    if (
        action != "view"
        and not Booking.objects.visible_to(request.user, action).filter(pk=pk).exists()
    ):
        raise PermissionDenied
    return booking


def managed_facilities(user):
    return Facility.objects.managed_by(user)


def is_manager(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_admin or user.managed_facilities.exists()
    )


def page_of(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def report(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)
