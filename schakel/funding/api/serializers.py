from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from schakel.funding.models import Application, Call


class CallSerializer(serializers.ModelSerializer):
    """A call with its budget position; amounts are decimal strings in EUR."""

    programme_name = serializers.CharField(source="programme.name", read_only=True)
    status = serializers.ChoiceField(choices=Call.Status.choices, read_only=True)
    budget_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    committed_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    paid_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    remaining_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "code",
            "title",
            "programme",
            "programme_name",
            "status",
            "opens_at",
            "closes_at",
            "budget_eur",
            "committed_eur",
            "paid_eur",
            "remaining_eur",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    applicant_name = serializers.CharField(source="applicant.name", read_only=True)
    status = serializers.ChoiceField(choices=Application.Status.choices, read_only=True)
    requested_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    total_cost_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    committed_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    paid_eur = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "call",
            "applicant",
            "applicant_name",
            "version",
            "title",
            "status",
            "requested_eur",
            "total_cost_eur",
            "committed_eur",
            "paid_eur",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (Application.Status.APPROVED, "approved"),
            (Application.Status.REJECTED, "rejected"),
        ]
    )
    amount_eur = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Required to approve: the grant, in EUR with cents."),
    )
    motivation = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs["decision"] == Application.Status.APPROVED and attrs.get("amount_eur") is None:
            raise serializers.ValidationError(
                {"amount_eur": [_("Give the amount granted.")]}, code="required"
            )
        return attrs


class FundingConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    figures = serializers.DictField(child=serializers.CharField())
