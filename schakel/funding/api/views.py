"""The funding API: calls with their budget position, applications and the decision."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from schakel.core.api.errors import CodedErrorsMixin, as_drf_validation_error
from schakel.funding import services
from schakel.funding.api.serializers import (
    ApplicationSerializer,
    CallSerializer,
    DecisionSerializer,
    FundingConflictSerializer,
)
from schakel.funding.filters import ApplicationFilter, CallFilter
from schakel.funding.ledger import LedgerError
from schakel.funding.models import Application, Call


class CallViewSet(CodedErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Calls for projects with `budget_eur`, `committed_eur`, `paid_eur`, `remaining_eur`."""

    serializer_class = CallSerializer
    filterset_class = CallFilter

    def get_queryset(self):
        return (
            Call.objects.visible_to(self.request.user)
            .select_related("programme")
            .order_by("-opens_at", "id")
        )


class ApplicationViewSet(CodedErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Applications the user may see (`?call=<id>&status=<status>`)."""

    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return (
            Application.objects.visible_to(self.request.user)
            .select_related("call", "applicant")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: ApplicationSerializer,
            400: OpenApiResponse(description="Bad input, or not in a state to decide."),
            403: OpenApiResponse(description="Not a fund manager of the programme."),
            409: OpenApiResponse(
                FundingConflictSerializer,
                description="The amount does not fit the remaining budget.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Approve with `amount_eur` (booked as the commitment) or reject with a motivation.

        200 with the application; 409 when the amount does not fit the call's remaining
        budget (or the de minimis ceiling), with the figures; 400 when the application is
        not submitted or under evaluation, or the input is bad."""
        application = self.get_object()
        if (
            not Application.objects.visible_to(request.user, "manage")
            .filter(pk=application.pk)
            .exists()
        ):
            raise PermissionDenied
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            application = services.decide(
                application,
                values["decision"],
                request.user,
                amount=values.get("amount_eur"),
                motivation=values.get("motivation", ""),
            )
        except services.NotDecidable as exc:
            return Response(
                {"detail": str(exc), "code": "not_decidable", "status": exc.status},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except LedgerError as exc:
            return Response(
                {"detail": exc.message, "code": exc.code, "figures": exc.figures()},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(ApplicationSerializer(application).data)
