"""The calendar: FullCalendar's JSON events, and the iCalendar feeds with their secret URLs."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.facilities import availability, calendar_ics, services
from schakel.facilities.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    CalendarFeed,
    Resource,
)
from schakel.facilities.views.common import get_resource_for_user, managed_facilities

MAX_DAYS = 62
FEED_PAST_DAYS = 90


def _moment(value):
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "+"))
    if moment is None:
        day = parse_date(value[:10])
        if day is None:
            return None
        moment = dt.datetime.combine(day, dt.time(0, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, availability.local_zone())
    return moment


@login_required
def resource_events(request, pk):
    """FullCalendar events for [start, end): free (background), tentative and booked periods.

    Other companies' bookings show only as busy; the user's own bookings carry their status.
    """
    resource = get_resource_for_user(request, pk)
    start, end = _moment(request.GET.get("start")), _moment(request.GET.get("end"))
    if start is None or end is None or end <= start or end - start > dt.timedelta(days=MAX_DAYS):
        return HttpResponseBadRequest(_("Give start and end, at most 62 days apart."))
    found = availability.availability(resource, start, end)
    own = set(
        Booking.objects.visible_to(request.user)
        .filter(resource=resource, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start)
        .values_list("pk", flat=True)
    )
    events = [
        {
            "start": timezone.localtime(s).isoformat(),
            "end": timezone.localtime(e).isoformat(),
            "display": "background",
            "classNames": ["fc-free"],
        }
        for s, e in found["free"]
    ]
    for busy in found["busy"]:
        if resource.capacity > 1:
            title = _("%(taken)s of %(capacity)s places taken") % {
                "taken": busy["places_taken"],
                "capacity": resource.capacity,
            }
        else:
            title = _("tentative") if busy["tentative"] else _("booked")
        events.append(
            {
                "start": timezone.localtime(busy["start"]).isoformat(),
                "end": timezone.localtime(busy["end"]).isoformat(),
                "title": title,
                "classNames": [
                    "fc-busy",
                    "fc-tentative" if busy["tentative"] else "fc-booked",
                    "fc-full" if busy["state"] == "full" else "fc-partial",
                ],
            }
        )
    for row in availability.busy_rows(resource, start, end):
        if row[5] in own:
            events.append(
                {
                    "start": timezone.localtime(row[0]).isoformat(),
                    "end": timezone.localtime(row[1]).isoformat(),
                    "title": _("your booking (%(status)s)")
                    % {"status": BookingStatus(row[3]).label},
                    "url": reverse("facilities:booking_detail", args=[row[5]]),
                    "classNames": ["fc-own"],
                }
            )
    return JsonResponse(events, safe=False)


def _feed_response(name, bookings, show_company):
    body = calendar_ics.render_calendar(name, bookings, show_company)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schakel.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed_bookings(queryset):
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        queryset.filter(end__gte=since)
        .exclude(status=BookingStatus.REJECTED)
        .select_related("resource__facility", "company")
        .order_by("start")[:5000]
    )


def resource_ics(request, token):
    """A resource's bookings for its facility's managers (the secret URL is the key)."""
    resource = get_object_or_404(Resource.objects.select_related("facility"), ics_token=token)
    return _feed_response(
        str(resource), _feed_bookings(Booking.objects.filter(resource=resource)), True
    )


def user_ics(request, token):
    """The bookings of the companies a user acts for (or, for a manager, their facilities)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    user = feed.user
    if not user.is_active:
        raise Http404
    if user.is_company_user:
        queryset = Booking.objects.visible_to(user)
    else:
        queryset = Booking.objects.filter(resource__facility__in=managed_facilities(user))
    return _feed_response(
        _("Bookings of %(name)s") % {"name": user.get_full_name() or user.username},
        _feed_bookings(queryset),
        not user.is_company_user,
    )


@login_required
def feeds(request):
    feed = services.feed_for(request.user)
    resources = Resource.objects.filter(
        facility__in=managed_facilities(request.user), is_bookable=True
    ).select_related("facility")
    context = {
        "feed_url": request.build_absolute_uri(reverse("facilities:user_ics", args=[feed.token])),
        "feed": feed,
        "resources": [
            (r, request.build_absolute_uri(reverse("facilities:resource_ics", args=[r.ics_token])))
            for r in resources
        ],
    }
    return render(request, "facilities/feeds.html", context)


@login_required
@require_POST
def renew_user_feed(request):
    services.renew_user_feed(request.user)
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("facilities:feeds")


@login_required
@require_POST
def renew_resource_feed(request, pk):
    resource = get_resource_for_user(request, pk)
    if not Resource.objects.visible_to(request.user, "manage").filter(pk=pk).exists():
        raise PermissionDenied
    services.renew_resource_feed(resource, request.user)
    messages.success(request, _("A new calendar address was made; the old one no longer works."))
    return redirect("facilities:feeds")
