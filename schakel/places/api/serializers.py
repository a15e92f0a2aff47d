"""Serializers of the reference data: every label in the request's language plus nl/en/fr."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Region, Theme


class RegionSummarySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "label"]


class RegionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    municipality_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "label", "name_nl", "name_en", "name_fr", "source", "municipality_count"]


class MunicipalitySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    region = RegionSummarySerializer(read_only=True, allow_null=True)
    merged_into = serializers.SlugRelatedField(slug_field="nis_code", read_only=True)
    current = serializers.SerializerMethodField(
        help_text="NIS code of the municipality as it exists today (itself, unless merged)."
    )
    postal_codes = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = [
            "nis_code",
            "label",
            "name_nl",
            "name_en",
            "name_fr",
            "name_de",
            "province_nis",
            "arrondissement_nis",
            "region",
            "latitude",
            "longitude",
            "merged_into",
            "current",
            "postal_codes",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_current(self, obj) -> str:
        return obj.current.nis_code

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_postal_codes(self, obj) -> list[str]:
        # Prefetched by the view; the same code may carry several place names.
        return sorted({postal.code for postal in obj.postal_codes.all()})


class NaceCodeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    dotted = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = NaceCode
        fields = ["code", "dotted", "level", "parent", "label", "name_nl", "name_en", "name_fr"]


VOCABULARY_FIELDS = [
    "code",
    "label",
    "name_nl",
    "name_en",
    "name_fr",
    "description_nl",
    "description_en",
    "description_fr",
]


class DomainSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Domain
        fields = VOCABULARY_FIELDS


class ClusterSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Cluster
        fields = VOCABULARY_FIELDS


class ThemeSerializer(serializers.ModelSerializer):
    """Themes are written through `schakel.places.services` (the view calls it)."""

    label = serializers.CharField(read_only=True)

    class Meta:
        model = Theme
        fields = [*VOCABULARY_FIELDS, "is_active"]
