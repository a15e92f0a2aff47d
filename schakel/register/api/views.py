"""REST API for the register: organisations, contacts, timeline, relations and audit trail.

Every view starts from the model's gate, `visible_to(user, action)`: a record out of
the user's reach is a 404, a record in reach that the user may not change is a 403.
"""

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from schakel.core import audit
from schakel.core.api.errors import CodedErrorsMixin, Conflict
from schakel.core.api.permissions import gate_allows_any
from schakel.core.models import AuditEvent
from schakel.register import services
from schakel.register.api.filters import ContactFilter
from schakel.register.api.pagination import IdFirstPagination
from schakel.register.api.serializers import (
    ActivitySerializer,
    AuditEventSerializer,
    ContactSerializer,
    OrganisationSerializer,
    RelationSerializer,
)
from schakel.register.filters import OrganisationFilter
from schakel.register.models import Activity, Contact, Organisation, Relation

# The gate action each DRF action needs on the object.
GATE_ACTIONS = {
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class OrganisationGate(permissions.BasePermission):
    """Create needs the gate's "create"; changes need "change"/"delete" on the object."""

    def has_permission(self, request, view):
        if view.action == "create":
            return gate_allows_any(Organisation.objects.visible_to(request.user, "create"))
        return True

    def has_object_permission(self, request, view, obj):
        gate_action = GATE_ACTIONS.get(view.action)
        if gate_action is None:
            return True
        return Organisation.objects.visible_to(request.user, gate_action).filter(pk=obj.pk).exists()


class ContactGate(permissions.BasePermission):
    """Changes need "change" on the contact; GDPR export and erasure are for agency staff."""

    def has_object_permission(self, request, view, obj):
        if view.action in ("export", "erase"):
            return request.user.is_agency
        gate_action = GATE_ACTIONS.get(view.action)
        if gate_action is None:
            return True
        return Contact.objects.visible_to(request.user, gate_action).filter(pk=obj.pk).exists()


@extend_schema_view(
    list=extend_schema(summary="List organisations (same filters as the register page)"),
    retrieve=extend_schema(summary="Show an organisation"),
    create=extend_schema(summary="Add an organisation (agency staff)"),
    update=extend_schema(summary="Replace an organisation's data"),
    partial_update=extend_schema(summary="Change some of an organisation's data"),
    destroy=extend_schema(
        summary="Delete an organisation (administrators)",
        responses={204: None, 409: OpenApiResponse(description="Still referenced elsewhere.")},
    ),
)
class OrganisationViewSet(CodedErrorsMixin, viewsets.ModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_classes = [permissions.IsAuthenticated, OrganisationGate]

    pagination_class = IdFirstPagination

    def get_queryset(self):
        return self.with_relations(Organisation.objects.visible_to(self.request.user))

    def get_page_queryset(self):
        """Where `IdFirstPagination` loads a page's rows (ids already gated and filtered)."""
        return self.with_relations(Organisation.objects.all())

    @staticmethod
    def with_relations(queryset):
        return queryset.select_related("municipality__region", "main_nace").prefetch_related(
            "secondary_naces", "domains", "clusters", "themes"
        )

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                audit.record(
                    instance,
                    AuditEvent.Action.DELETE,
                    self.request.user,
                    # What was lost: every value as {field: [old, None]}.
                    changes={
                        name: [value, None]
                        for name, value in audit.snapshot(instance).items()
                        if value not in (None, "", [])
                    },
                )
                instance.delete()
        except ProtectedError:
            raise Conflict(
                _("This organisation is still referenced (users, mandates, cases or bookings).")
            ) from None


@extend_schema_view(
    list=extend_schema(summary="List contacts"),
    retrieve=extend_schema(summary="Show a contact"),
    create=extend_schema(summary="Add a contact to an organisation"),
    update=extend_schema(summary="Replace a contact's data"),
    partial_update=extend_schema(summary="Change some of a contact's data"),
)
class ContactViewSet(
    CodedErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Contacts, under the visibility of their organisation. No delete: use GDPR erasure."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    permission_classes = [permissions.IsAuthenticated, ContactGate]

    def get_queryset(self):
        return Contact.objects.visible_to(self.request.user).select_related("organisation")

    @extend_schema(
        summary="Everything held about a contact (GDPR access request, agency staff)",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        contact = self.get_object()
        return Response(services.export_contact(contact))

    @extend_schema(
        summary="Erase a contact's personal data (GDPR, agency staff)",
        request=None,
        responses={200: ContactSerializer},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        contact = self.get_object()
        contact = services.erase_contact(contact, request.user)
        return Response(self.get_serializer(contact).data)


ORGANISATION_PK = OpenApiParameter(
    "organisation_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Organisation id."
)


class OrganisationChildMixin:
    """Views under /organisations/{id}/: the organisation must be in the user's reach."""

    filter_backends = []

    def get_organisation(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(
                Organisation.objects.visible_to(self.request.user),
                pk=self.kwargs["organisation_pk"],
            )
        return self._organisation

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "organisation_pk" in self.kwargs:
            context["organisation"] = self.get_organisation()
        return context

    def require_agency(self):
        # Resolve the organisation first: out of reach stays a 404.
        self.get_organisation()
        if not self.request.user.is_agency:
            raise exceptions.PermissionDenied(_("Only agency staff can do this."))


@extend_schema_view(
    list=extend_schema(
        summary="An organisation's timeline (internal entries for agency staff only)",
        parameters=[ORGANISATION_PK],
    ),
    create=extend_schema(
        summary="Add an entry to an organisation's timeline (agency staff)",
        parameters=[ORGANISATION_PK],
    ),
)
class OrganisationActivityViewSet(
    CodedErrorsMixin,
    OrganisationChildMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()  # for the schema; get_queryset() does the work

    def get_queryset(self):
        return (
            Activity.objects.visible_to(self.request.user)
            .filter(organisation=self.get_organisation())
            .select_related("actor")
        )

    def create(self, request, *args, **kwargs):
        self.require_agency()
        return super().create(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="An organisation's relations", parameters=[ORGANISATION_PK]),
)
class OrganisationRelationViewSet(
    CodedErrorsMixin, OrganisationChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = RelationSerializer
    queryset = Relation.objects.none()

    def get_queryset(self):
        organisation = self.get_organisation()
        return (
            Relation.objects.filter(Q(source=organisation) | Q(target=organisation))
            .select_related("source", "target")
            .order_by("kind", "id")
        )


@extend_schema_view(
    list=extend_schema(
        summary="An organisation's audit trail (agency staff)", parameters=[ORGANISATION_PK]
    ),
)
class OrganisationAuditViewSet(
    CodedErrorsMixin, OrganisationChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()

    def list(self, request, *args, **kwargs):
        self.require_agency()
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return audit.events_for(self.get_organisation())
