"""The catalogue API: offerings, and import/export of whole catalogue files."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from schakel.catalog import services
from schakel.catalog.api.serializers import (
    CatalogDocumentSerializer,
    CatalogErrorsSerializer,
    CatalogUploadSerializer,
    ImportResultSerializer,
    OfferingSerializer,
)
from schakel.catalog.filters import OfferingFilter
from schakel.catalog.format import (
    CatalogError,
    CatalogInvalid,
    export_catalog,
    import_catalog,
    load_json,
)
from schakel.catalog.models import Offering
from schakel.register.models import Organisation


def _require_agency(user):
    if not user.is_agency:
        raise PermissionDenied(_("Only agency staff may do this."))


@extend_schema_view(
    list=extend_schema(summary="List offerings (archived ones with state=archived or all)"),
    retrieve=extend_schema(summary="One offering"),
    create=extend_schema(summary="Create an offering (staff)"),
    update=extend_schema(summary="Replace an offering (staff, or the provider's partner users)"),
    partial_update=extend_schema(summary="Change fields of an offering"),
)
class OfferingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Offerings in the open catalogue format. Anybody logged in may read; agency staff
    create, change and archive; a partner user may change their own organisation's."""

    serializer_class = OfferingSerializer
    filterset_class = OfferingFilter
    lookup_field = "external_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[a-z0-9][a-z0-9._-]{0,79}"  # EXTERNAL_ID_MAX_LENGTH

    def get_queryset(self):
        return (
            Offering.objects.visible_to(self.request.user, "view")
            .select_related("provider", "municipality")
            .prefetch_related("domains", "clusters")
            .order_by("external_id")
        )

    def get_object_for(self, action_name: str) -> Offering:
        """404 when out of sight; 403 when visible but not the user's to change."""
        offering = self.get_object()
        if (
            not Offering.objects.visible_to(self.request.user, action_name)
            .filter(pk=offering.pk)
            .exists()
        ):
            raise PermissionDenied(_("You may not change this offering."))
        return offering

    def perform_create(self, serializer):
        _require_agency(self.request.user)
        record = serializer.validated_data
        if Offering.objects.filter(external_id=record["id"]).exists():
            raise ValidationError({"id": [_("An offering with this id already exists.")]})
        provider = Organisation.objects.get(external_id=record["provider"])
        _status, offering = services.apply_offering_record(record, provider, self.request.user)
        serializer.instance = offering

    def update(self, request, *args, **kwargs):
        offering = self.get_object_for("change")
        serializer = self.get_serializer(
            offering, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        record = serializer.validated_data
        if request.user.is_partner and record["provider"] != offering.provider.external_id:
            raise PermissionDenied(_("You may not move an offering to another provider."))
        provider = Organisation.objects.get(external_id=record["provider"])
        _status, offering = services.apply_offering_record(record, provider, request.user, offering)
        return Response(self.get_serializer(offering).data)

    @extend_schema(request=None, responses=OfferingSerializer, summary="Archive an offering")
    @action(detail=True, methods=["post"])
    def archive(self, request, id=None):
        offering = self.get_object_for("archive")
        services.set_archived(offering, True, request.user)
        return Response(self.get_serializer(offering).data)

    @extend_schema(request=None, responses=OfferingSerializer, summary="Bring an offering back")
    @action(detail=True, methods=["post"])
    def unarchive(self, request, id=None):
        offering = self.get_object_for("archive")
        services.set_archived(offering, False, request.user)
        return Response(self.get_serializer(offering).data)


class CatalogImportView(APIView):
    """Import a catalogue document (JSON body or a multipart `file`); staff only.

    Nothing is written unless the whole document follows the format; then every error
    is listed with the record id and the field.
    """

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Import a catalogue file (staff)",
        request={
            "application/json": CatalogDocumentSerializer,
            "multipart/form-data": CatalogUploadSerializer,
        },
        responses={200: ImportResultSerializer, 400: CatalogErrorsSerializer},
    )
    def post(self, request):
        _require_agency(request.user)
        try:
            try:
                request.data  # noqa: B018 - parse now, so malformed JSON is reported below
            except ParseError as exc:
                raise CatalogInvalid([CatalogError("", "", str(exc.detail))])
            upload = request.FILES.get("file")
            if upload is not None:
                data = load_json(upload.read())
            elif request.content_type.startswith("application/json"):
                data = request.data
            else:
                return Response(
                    {
                        "errors": [
                            {
                                "id": "",
                                "field": "file",
                                "message": _("Send a JSON document or a file."),
                            }
                        ]
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            result = import_catalog(data, request.user)
        except CatalogInvalid as invalid:
            return Response(
                {"errors": [e.as_dict() for e in invalid.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result.as_dict())


class CatalogExportView(APIView):
    """The whole catalogue (offerings not archived, and their providers) in the open format."""

    @extend_schema(
        summary="Export the catalogue",
        responses={200: CatalogDocumentSerializer},
        parameters=[
            OpenApiParameter("download", OpenApiTypes.BOOL, description="Send as an attachment.")
        ],
    )
    def get(self, request):
        response = Response(export_catalog())
        if request.query_params.get("download") in ("1", "true"):
            response["Content-Disposition"] = 'attachment; filename="catalog.json"'
        return response
