"""The facilities API.

- `GET /api/v1/resources/` and `/resources/{id}/`: bookable resources;
- `GET /api/v1/resources/{id}/availability/?from=…&to=…`: open, busy and free periods;
- `POST /api/v1/bookings/` `{"resource", "start", "end"[, "company", "places", "note"]}`:
  201 with the booking, 409 with the conflicting periods, 400 for a bad request;
- `POST /api/v1/bookings/recurring/` with `weeks`: all weeks or none (409 lists the problems);
- `GET /api/v1/bookings/`, `/bookings/{id}/`; `DELETE /api/v1/bookings/{id}/` cancels under the
  cancellation policy and answers 200 with the cancelled booking (and its fee);
- `POST /api/v1/bookings/{id}/approve|reject|no-show|usage/`: facility managers;
- `GET /api/v1/leases/`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from schakel.accounts.middleware import get_acting_company
from schakel.core.api.errors import CodedErrorsMixin, as_drf_validation_error
from schakel.facilities import availability, services
from schakel.facilities.api.rendering import availability_json
from schakel.facilities.api.serializers import (
    AvailabilitySerializer,
    BookingCreateSerializer,
    BookingSerializer,
    ConflictSerializer,
    LeaseSerializer,
    ReasonSerializer,
    RecurringCreateSerializer,
    ResourceSerializer,
    UsageSerializer,
)
from schakel.facilities.filters import BookingFilter, ResourceFilter
from schakel.facilities.models import Booking, Lease, Resource

MAX_AVAILABILITY_DAYS = 400


def iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def periods(items) -> list[dict]:
    return [{"start": iso(start), "end": iso(end)} for start, end, *_ in items]


def conflict_response(exc: services.BookingConflict) -> Response:
    return Response(
        {
            "detail": str(exc.message),
            "code": "conflict",
            "conflicts": periods(exc.conflicts),
        },
        status=status.HTTP_409_CONFLICT,
    )


def parse_moment(value: str | None, name: str, default: dt.datetime) -> dt.datetime:
    """A query parameter as an aware datetime: ISO date (local midnight) or date-time."""
    if not value:
        return default
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise services.field_error(
                name, _("Give an ISO-8601 date or date-time, e.g. 2026-05-04T09:00."), "invalid"
            )
        moment = dt.datetime.combine(day, dt.time(0, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, availability.local_zone())
    return moment.astimezone(dt.UTC)


class ResourceViewSet(CodedErrorsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter

    def get_queryset(self):
        return (
            Resource.objects.visible_to(self.request.user)
            .bookable()
            .select_related("facility", "offering")
            .order_by("facility__name", "name", "id")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO-8601 date or date-time (default: now)"),
            OpenApiParameter(
                "to", str, description="ISO-8601 date or date-time (default: +7 days)"
            ),
        ],
        responses=AvailabilitySerializer,
    )
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        # Among the resources the user may see; the list's filters (kind, facility, …) are not
        # parameters of this answer, so no filter set is built for it.
        resource = generics.get_object_or_404(self.get_queryset(), pk=pk)  # 404, also for pk=abc
        self.check_object_permissions(request, resource)
        try:
            start = parse_moment(request.query_params.get("from"), "from", timezone.now())
            end = parse_moment(request.query_params.get("to"), "to", start + dt.timedelta(days=7))
            if end <= start:
                raise services.field_error("to", _("`to` must be after `from`."), "invalid")
            if end - start > dt.timedelta(days=MAX_AVAILABILITY_DAYS):
                raise services.field_error(
                    "to",
                    _("Ask for at most %(days)s days.") % {"days": MAX_AVAILABILITY_DAYS},
                    "too_long",
                )
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        body = availability_json(resource, start, end)
        return HttpResponse(body, content_type="application/json")


class BookingViewSet(
    CodedErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BookingSerializer
    filterset_class = BookingFilter

    def get_queryset(self):
        return (
            Booking.objects.visible_to(self.request.user)
            .select_related("resource", "company")
            .order_by("-start", "-id")
        )

    def _booking(self, pk, action_name):
        """404 when out of sight, 403 when in sight but the action is not allowed."""
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        if not Booking.objects.visible_to(self.request.user, action_name).filter(pk=pk).exists():
            raise PermissionDenied
        return booking

    def _prepare(self, request, serializer_class):
        user = request.user
        if not (user.is_agency or user.is_company_user):
            raise PermissionDenied(_("Only companies and agency staff book resources."))
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resource = Resource.objects.visible_to(user).filter(pk=values["resource"]).first()
        if resource is None:
            raise as_drf_validation_error(
                services.field_error("resource", _("No such resource."), "does_not_exist")
            )
        try:
            company = services.resolve_company(
                user, values.get("company"), get_acting_company(request._request)
            )
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        return values, resource, company

    @extend_schema(
        request=BookingCreateSerializer,
        responses={
            201: BookingSerializer,
            400: OpenApiResponse(description="Bad request (coded errors per field)"),
            409: ConflictSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        values, resource, company = self._prepare(request, BookingCreateSerializer)
        try:
            booking = services.create_booking(
                resource,
                company,
                values["start"],
                values["end"],
                request.user,
                places=values["places"],
                note=values["note"],
            )
        except services.BookingConflict as exc:
            return conflict_response(exc)
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RecurringCreateSerializer,
        responses={201: BookingSerializer(many=True), 409: ConflictSerializer},
    )
    @action(detail=False, methods=["post"])
    def recurring(self, request):
        values, resource, company = self._prepare(request, RecurringCreateSerializer)
        try:
            bookings = services.create_recurring(
                resource,
                company,
                values["start"],
                values["end"],
                values["weeks"],
                request.user,
                places=values["places"],
                note=values["note"],
            )
        except services.RecurringConflict as exc:
            return Response(
                {
                    "detail": str(exc),
                    "code": "conflict",
                    "conflicts": [
                        {
                            "start": iso(problem.start),
                            "end": iso(problem.end),
                            "conflicts": periods(problem.conflicts),
                            "errors": [str(e) for e in problem.errors],
                        }
                        for problem in exc.problems
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(BookingSerializer(bookings, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    def destroy(self, request, pk=None):
        booking = self._booking(pk, "cancel")
        data = ReasonSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        try:
            booking = services.cancel(booking, request.user, reason=data.validated_data["reason"])
        except ValidationError as exc:
            return Response(
                {"detail": " ".join(exc.messages), "code": exc.code or "stale_state"},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(BookingSerializer(booking).data)

    def _manage(self, pk, func, *args):
        booking = self._booking(pk, "manage")
        try:
            booking = func(booking, self.request.user, *args)
        except services.StaleState as exc:
            return Response(
                {"detail": " ".join(exc.messages), "code": exc.code},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=None, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._manage(pk, services.approve)

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._manage(pk, services.reject, data.validated_data["reason"])

    @extend_schema(request=None, responses=BookingSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._manage(pk, services.mark_no_show)

    @extend_schema(request=UsageSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def usage(self, request, pk=None):
        data = UsageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._manage(
            pk,
            services.record_usage,
            data.validated_data["used_minutes"],
            data.validated_data["note"],
        )


class LeaseViewSet(CodedErrorsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LeaseSerializer

    def get_queryset(self):
        return (
            Lease.objects.visible_to(self.request.user)
            .select_related("unit", "company")
            .order_by("-starts_on", "id")
        )

    def get_object(self):
        try:
            return super().get_object()
        except Lease.DoesNotExist:
            raise NotFound
