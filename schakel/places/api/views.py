"""Read-only API of the reference data, plus writing technology themes for agency staff.

Reference data is public knowledge, so every signed-in user reads all of it; only the theme
vocabulary can be changed, and only by agency staff (403 for others, who can read it).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from schakel.core.api.errors import CodedErrorsMixin, as_drf_validation_error
from schakel.places import services
from schakel.places.api.serializers import (
    ClusterSerializer,
    DomainSerializer,
    MunicipalitySerializer,
    NaceCodeSerializer,
    RegionSerializer,
    ThemeSerializer,
)
from schakel.places.filters import MunicipalityFilter, NaceCodeFilter, ThemeFilter
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Region, Theme


class AgencyWritesOthersRead(permissions.BasePermission):
    """Safe methods for every signed-in user; changes for agency staff only."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.can_edit_themes(request.user)


@extend_schema_view(
    list=extend_schema(summary="List municipalities (merged ones included unless current=true)"),
    retrieve=extend_schema(summary="Show a municipality by REFNIS code"),
)
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    lookup_field = "nis_code"
    lookup_value_regex = r"\d{5}"
    queryset = (
        Municipality.objects.select_related("region", "merged_into__merged_into")
        .prefetch_related("postal_codes")
        .order_by("name_nl", "nis_code")
    )


@extend_schema_view(
    list=extend_schema(summary="List the regions of West Flanders"),
    retrieve=extend_schema(summary="Show a region"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    lookup_field = "code"
    queryset = Region.objects.annotate(
        municipality_count=Count(
            "municipalities", filter=Q(municipalities__merged_into__isnull=True)
        )
    ).order_by("name_nl")


@extend_schema_view(
    list=extend_schema(summary="List NACE-BEL 2008 codes"),
    retrieve=extend_schema(summary="Show a NACE-BEL code (written without dots: 25620)"),
)
class NaceCodeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NaceCodeSerializer
    filterset_class = NaceCodeFilter
    lookup_field = "code"
    lookup_value_regex = r"[A-Ua-u]|\d{2,5}"
    queryset = NaceCode.objects.select_related("parent").order_by("code")


@extend_schema_view(
    list=extend_schema(summary="List the agency's domains"),
    retrieve=extend_schema(summary="Show a domain"),
)
class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DomainSerializer
    lookup_field = "code"
    queryset = Domain.objects.order_by("name_nl")


@extend_schema_view(
    list=extend_schema(summary="List the spearhead clusters"),
    retrieve=extend_schema(summary="Show a cluster"),
)
class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClusterSerializer
    lookup_field = "code"
    queryset = Cluster.objects.order_by("name_nl")


@extend_schema_view(
    list=extend_schema(summary="List the technology themes"),
    retrieve=extend_schema(summary="Show a technology theme"),
    create=extend_schema(summary="Add a technology theme (agency staff)"),
    update=extend_schema(summary="Replace a technology theme (agency staff)"),
    partial_update=extend_schema(summary="Change a technology theme (agency staff)"),
)
class ThemeViewSet(
    CodedErrorsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """No delete: a theme in use is switched off with `is_active=false` instead."""

    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    permission_classes = [permissions.IsAuthenticated, AgencyWritesOthersRead]
    lookup_field = "code"
    queryset = Theme.objects.order_by("name_nl")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.create_theme(
                serializer.validated_data, self.request.user
            )
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.update_theme(
                serializer.instance, serializer.validated_data, self.request.user
            )
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
