"""API shapes: an offering is the open-format record, plus a few read-only extras.

Writes are checked by the same code as a catalogue file (`format.parse_offering`), so
the API, the upload and the CLI accept and refuse exactly the same records.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

from schakel.catalog import services
from schakel.catalog.format import parse_offering
from schakel.catalog.models import (
    CLUSTER_CODES,
    DOMAIN_CODES,
    SIZE_CODES,
    STAGE_CODES,
    OfferingKind,
)
from schakel.register.models import Organisation


class CatalogTextSerializer(serializers.Serializer):
    nl = serializers.CharField(required=False)
    en = serializers.CharField(required=False)
    fr = serializers.CharField(required=False)


class OfferingAudienceSerializer(serializers.Serializer):
    # Plain strings in the schema (the register names the same choice sets); the format
    # check refuses unknown codes.
    stages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=", ".join(STAGE_CODES)
    )
    sizes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=", ".join(SIZE_CODES)
    )


class OfferingOpenPeriodSerializer(serializers.Serializer):
    # "from" is a Python keyword, so the field is declared through the class namespace.
    locals()["from"] = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class OfferingContactSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False)


class OfferingSerializer(serializers.Serializer):
    """An offering in the open catalogue format (`schakel.catalog/v1`)."""

    id = serializers.CharField(max_length=80, help_text="Stable id, `[a-z0-9][a-z0-9._-]*`.")
    kind = serializers.ChoiceField(OfferingKind.choices)
    title = CatalogTextSerializer(help_text="Text object; a plain string is read as Dutch.")
    description = CatalogTextSerializer()
    provider = serializers.CharField(help_text="The provider organisation's catalogue id.")
    provider_name = serializers.CharField(read_only=True)
    provider_type = serializers.CharField(read_only=True)
    domains = serializers.ListField(child=serializers.ChoiceField(DOMAIN_CODES), required=False)
    clusters = serializers.ListField(child=serializers.ChoiceField(CLUSTER_CODES), required=False)
    themes = serializers.ListField(child=serializers.CharField(), required=False)
    municipality_nis = serializers.CharField(required=False, help_text="REFNIS code.")
    audience = OfferingAudienceSerializer(required=False)
    open = OfferingOpenPeriodSerializer(required=False)
    budget_eur = serializers.DecimalField(
        max_digits=15, decimal_places=2, required=False, coerce_to_string=False
    )
    url = serializers.URLField(required=False)
    contact = OfferingContactSerializer(required=False)
    is_archived = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        record = services.offering_to_record(instance)
        record["is_archived"] = instance.is_archived
        record["created_at"] = serializers.DateTimeField().to_representation(instance.created_at)
        record["updated_at"] = serializers.DateTimeField().to_representation(instance.updated_at)
        return record

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Must be an object.")]})
        raw = dict(data)
        if self.instance is not None:
            # PATCH changes the given fields; the id is the one in the URL.
            if self.partial:
                current = services.offering_format_record(self.instance)
                current.update(raw)
                raw = current
            if raw.get("id", self.instance.external_id) != self.instance.external_id:
                raise serializers.ValidationError({"id": [_("The id of an offering is fixed.")]})
            raw["id"] = self.instance.external_id
        provider = raw.get("provider")
        provider_ids = set()
        if isinstance(provider, str):
            provider_ids = set(
                Organisation.objects.filter(external_id=provider).values_list(
                    "external_id", flat=True
                )
            )
        record, errors = parse_offering(raw, provider_ids)
        if errors:
            problems: dict[str, list[str]] = {}
            for error in errors:
                problems.setdefault(error.field or "non_field_errors", []).append(error.message)
            raise serializers.ValidationError(problems)
        return record


class CatalogErrorSerializer(serializers.Serializer):
    id = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class CatalogErrorsSerializer(serializers.Serializer):
    errors = CatalogErrorSerializer(many=True)


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ImportResultSerializer(serializers.Serializer):
    organisations = CountsSerializer()
    offerings = CountsSerializer()


class CatalogUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A catalogue JSON document.")


class CatalogDocumentSerializer(serializers.Serializer):
    """The open catalogue format document (see the format specification)."""

    format = serializers.CharField(default="schakel.catalog/v1")
    organisations = serializers.ListField(child=serializers.DictField())
    offerings = serializers.ListField(child=serializers.DictField())
