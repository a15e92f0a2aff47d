from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from schakel.matching.engine import MAX_QUERY_CHARS


class MatchContextSerializer(serializers.Serializer):
    municipality_nis = serializers.CharField(required=False, allow_blank=True)
    size = serializers.CharField(required=False, allow_blank=True)
    stage = serializers.CharField(required=False, allow_blank=True)
    clusters = serializers.ListField(child=serializers.CharField(), required=False)
    as_of = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Day on which open periods are judged.")
    )


class MatchRequestSerializer(serializers.Serializer):
    """The question; `context` is validated by the engine (codes from the catalogue spec)."""

    text = serializers.CharField(
        help_text=_("The question, at most %(max)s characters.") % {"max": MAX_QUERY_CHARS}
    )
    context = MatchContextSerializer(required=False)
    top = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


class MatchResultSerializer(serializers.Serializer):
    offering = serializers.CharField(help_text=_("The offering's catalogue id."))
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    reason_codes = serializers.ListField(child=serializers.DictField())
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.CharField()


class MatchResponseSerializer(serializers.Serializer):
    results = MatchResultSerializer(many=True)
    mode = serializers.ChoiceField(choices=["hybrid", "lexical"])
    warnings = serializers.ListField(child=serializers.CharField())


class MatchErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class CompanyFitSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text=_("The company's id in the register."))
    name = serializers.CharField()
    enterprise_number = serializers.CharField(allow_null=True)
    municipality = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()
