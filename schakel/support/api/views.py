"""The support API: questions (same visibility as the web), case transitions, referrals."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from schakel.accounts.middleware import get_acting_company
from schakel.register.models import Organisation
from schakel.support import services
from schakel.support.api.serializers import (
    OutcomeSerializer,
    QuestionCreateSerializer,
    QuestionSerializer,
    ReferralSerializer,
    RespondSerializer,
    TransitionSerializer,
)
from schakel.support.filters import QuestionFilter
from schakel.support.models import Channel, Question, Referral
from schakel.support.workflow import IllegalTransition, StaleVersion, WorkflowError


def _error(exc, code=status.HTTP_400_BAD_REQUEST):
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=code)
    return Response({"detail": exc.message, "code": exc.code}, status=code)


class QuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter

    def get_queryset(self):
        return (
            Question.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("-received_at", "-id")
        )

    @extend_schema(request=QuestionCreateSerializer, responses=QuestionSerializer)
    def create(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_agency or user.is_company_user):
            raise PermissionDenied
        data = QuestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if user.is_agency:
            organisation = get_object_or_404(
                Organisation.objects.visible_to(user), pk=data.validated_data.get("organisation")
            )
            channel = Channel.EMAIL
        else:
            organisation = get_acting_company(request)
            wanted = data.validated_data.get("organisation")
            if wanted:
                organisation = get_object_or_404(Organisation.objects.visible_to(user), pk=wanted)
            if organisation is None:
                raise PermissionDenied
            channel = Channel.PORTAL
        asker = services.Asker(
            user.first_name or user.username, user.last_name, user.email, "", user.language
        )
        try:
            question = services.submit_question(
                organisation=organisation,
                asker=asker,
                text=data.validated_data["text"],
                channel=channel,
                actor=user,
            )
        except ValidationError as exc:
            return _error(exc)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class CaseViewSet(viewsets.GenericViewSet):
    serializer_class = QuestionSerializer

    def get_queryset(self):
        return Question.objects.visible_to(self.request.user, "change")

    @extend_schema(request=TransitionSerializer, responses=QuestionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move a case: 200, 409 on a stale version, 400 on an illegal transition."""
        question = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.transition(
                question,
                data.validated_data["to"],
                request.user,
                data.validated_data["version"],
                closure_reason=data.validated_data.get("closure_reason", ""),
                comment=data.validated_data.get("comment", ""),
            )
        except StaleVersion as exc:
            return _error(exc, status.HTTP_409_CONFLICT)
        except IllegalTransition as exc:
            return _error(exc)
        except DjangoPermissionDenied:
            raise PermissionDenied
        return Response(QuestionSerializer(question).data)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReferralSerializer

    def get_queryset(self):
        return (
            Referral.objects.visible_to(self.request.user)
            .select_related("question__organisation")
            .order_by("-created_at", "-id")
        )

    def _act(self, request, func):
        referral = self.get_object()
        if not (request.user.is_partner or request.user.is_agency):
            raise PermissionDenied
        try:
            func(referral)
        except (WorkflowError, ValidationError) as exc:
            return _error(exc)
        except DjangoPermissionDenied:
            raise PermissionDenied
        referral.refresh_from_db()
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(
            request, lambda r: services.respond_to_referral(r, request.user, accept=True)
        )

    @extend_schema(request=RespondSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        return self._act(
            request, lambda r: services.respond_to_referral(r, request.user, False, reason)
        )

    @extend_schema(request=OutcomeSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return self._act(
            request,
            lambda r: services.report_outcome(
                r, request.user, v["outcome"], v["outcome_on"], v.get("note", "")
            ),
        )
