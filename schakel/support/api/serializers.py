from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from schakel.support.models import QUESTION_MAX_CHARS, Outcome, Question, Referral
from schakel.support.workflow import ClosureReason, State


class QuestionSerializer(serializers.ModelSerializer):
    # Plain strings (the values of workflow.State / ClosureReason), so the schema has one
    # enum per choice set: the transition request's `to` and `closure_reason`.
    state = serializers.CharField(read_only=True)
    closure_reason = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "reference",
            "organisation",
            "organisation_name",
            "text",
            "channel",
            "language",
            "state",
            "state_display",
            "closure_reason",
            "owner",
            "domain",
            "cluster",
            "region",
            "received_at",
            "first_response_due",
            "first_responded_at",
            "closed_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f not in ("organisation", "text")]


class QuestionCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        required=False, help_text="Staff: the company asking. Company users: their acting company."
    )
    text = serializers.CharField(max_length=QUESTION_MAX_CHARS)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField(min_value=1)
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True
    )
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SharedContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()


class ReferralSerializer(serializers.ModelSerializer):
    """What a partner may see: only what the company agreed to share."""

    state = serializers.ChoiceField(choices=Referral.State.choices, read_only=True)
    company = serializers.CharField(source="question.organisation.name", read_only=True)
    reference = serializers.CharField(source="question.reference", read_only=True)
    question_text = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "company",
            "partner",
            "message",
            "state",
            "question_text",
            "contact",
            "consent_given_at",
            "responded_at",
            "response_reason",
            "outcome",
            "outcome_on",
            "outcome_note",
            "created_at",
        ]
        read_only_fields = fields

    def get_question_text(self, obj) -> str | None:
        return obj.question.text if obj.share_question else None

    @extend_schema_field(SharedContactSerializer(allow_null=True))
    def get_contact(self, obj):
        if not obj.share_contact:
            return None
        q = obj.question
        return {"name": q.contact_name, "email": q.contact_email, "phone": q.contact_phone}


class RespondSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_on = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
