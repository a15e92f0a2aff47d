"""Serializers for the register API.

Like NetBox's `ValidatedModelSerializer`, every write serializer runs the model's
`full_clean()` in `validate()`, so the API rejects exactly what the UI and the
imports reject; saving goes through `schakel.register.services`, which keeps the
audit log and `manual_fields`.
"""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from schakel.core import audit
from schakel.core.api.errors import as_drf_validation_error
from schakel.core.models import AuditEvent
from schakel.core.validators import format_enterprise_number, normalize_enterprise_number
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Theme
from schakel.register import services
from schakel.register.models import Activity, Contact, Organisation, Relation

# Fields only agency staff may set; company and partner users may change the rest
# of their own record.
AGENCY_ONLY_FIELDS = (
    "type",
    "status",
    "enterprise_number",
    "external_id",
    "account_manager",
    "source",
)
M2M_FIELDS = ("secondary_naces", "domains", "clusters", "themes")


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _clean_instance(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as exc:
        raise as_drf_validation_error(exc)


# --- Reference fields: read as small objects, written as codes -----------------------------


class MunicipalityReadSerializer(serializers.Serializer):
    nis_code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(allow_null=True, help_text=_("Region code."))


class MunicipalityField(serializers.RelatedField):
    """Reads as `{nis_code, name, region}`; written as a REFNIS code ("37015")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Municipality.objects.select_related("region"))
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return {
            "nis_code": value.nis_code,
            "name": value.label,
            "region": value.region.code if value.region_id else None,
        }

    def to_internal_value(self, data):
        code = data.get("nis_code") if isinstance(data, dict) else data
        code = str(code or "").strip()
        municipality = self.get_queryset().filter(nis_code=code).first()
        if municipality is None:
            raise serializers.ValidationError(
                _("No municipality has REFNIS code %(code)s.") % {"code": code},
                code="does_not_exist",
            )
        return municipality


class NaceReadSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Code without dots, e.g. 2562."))
    dotted = serializers.CharField(help_text=_("Code as usually written, e.g. 25.62."))
    label = serializers.CharField()


def _nace_code(data) -> str:
    code = data.get("code") if isinstance(data, dict) else data
    return str(code or "").replace(".", "").strip().upper()


class MainNaceField(serializers.RelatedField):
    """Reads as `{code, dotted, label}`; written as a NACE-BEL code ("25.62" or "2562")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", NaceCode.objects.all())
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return {"code": value.code, "dotted": value.dotted, "label": value.label}

    def to_internal_value(self, data):
        code = _nace_code(data)
        nace = self.get_queryset().filter(code=code).first()
        if nace is None:
            raise serializers.ValidationError(
                _("No NACE-BEL code %(code)s exists.") % {"code": code or data},
                code="does_not_exist",
            )
        return nace


class NaceCodeField(serializers.SlugRelatedField):
    """A NACE-BEL code in a list; dots are optional when writing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", NaceCode.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = _nace_code(data)
        nace = self.get_queryset().filter(code=code).first()
        if nace is None:
            raise serializers.ValidationError(
                _("No NACE-BEL code %(code)s exists.") % {"code": code or data},
                code="does_not_exist",
            )
        return nace


class CodeListField(serializers.SlugRelatedField):
    """A vocabulary term (domain, cluster, theme) by its code, naming unknown codes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        term = self.get_queryset().filter(code=str(data)).first()
        if term is None:
            raise serializers.ValidationError(
                _("Unknown %(vocabulary)s code %(code)s.")
                % {"vocabulary": self.get_queryset().model._meta.verbose_name, "code": data},
                code="does_not_exist",
            )
        return term


class _ReadObjectWriteCodeExtension(OpenApiSerializerFieldExtension):
    """Document a reference field as an object in responses and a code string in requests."""

    read_serializer = None
    code_description = ""

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            schema = build_basic_type(OpenApiTypes.STR)
            schema["description"] = str(self.code_description)
        else:
            schema = auto_schema.resolve_serializer(self.read_serializer, direction).ref
        if self.target.allow_null:
            schema = {"allOf": [schema]} if "$ref" in schema else schema
            schema["nullable"] = True
        return schema


class MunicipalityFieldExtension(_ReadObjectWriteCodeExtension):
    target_class = "schakel.register.api.serializers.MunicipalityField"
    read_serializer = MunicipalityReadSerializer
    code_description = _("REFNIS code of the municipality, e.g. 37015.")


class MainNaceFieldExtension(_ReadObjectWriteCodeExtension):
    target_class = "schakel.register.api.serializers.MainNaceField"
    read_serializer = NaceReadSerializer
    code_description = _("NACE-BEL code, with or without dots, e.g. 25.62 or 2562.")


# --- Organisations ------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    enterprise_number = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "KBO/BCE number; accepted as 0123.456.789, BE0123456789 or ten digits, "
            "returned as ten digits."
        ),
    )
    enterprise_number_display = serializers.SerializerMethodField(
        help_text=_("The enterprise number in the official 0123.456.789 form.")
    )
    municipality = MunicipalityField(required=False, allow_null=True)
    main_nace = MainNaceField(required=False, allow_null=True)
    secondary_naces = NaceCodeField(many=True, required=False)
    domains = CodeListField(many=True, required=False, queryset=Domain.objects.all())
    clusters = CodeListField(many=True, required=False, queryset=Cluster.objects.all())
    themes = CodeListField(many=True, required=False, queryset=Theme.objects.all())
    account_manager = serializers.PrimaryKeyRelatedField(
        required=False,
        allow_null=True,
        queryset=get_user_model().objects.filter(is_active=True, role__in=("admin", "staff")),
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "type",
            "status",
            "enterprise_number",
            "enterprise_number_display",
            "external_id",
            "legal_form",
            "description",
            "website",
            "email",
            "phone",
            "street",
            "postal_code",
            "municipality",
            "main_nace",
            "secondary_naces",
            "employees",
            "turnover_eur",
            "balance_total_eur",
            "size_class",
            "stage",
            "start_date",
            "domains",
            "clusters",
            "themes",
            "account_manager",
            "source",
            "manual_fields",
            "kbo_synced_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["manual_fields", "kbo_synced_at", "created_at", "updated_at"]
        # Uniqueness is checked by full_clean() in validate(), with the model's messages.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        # Drop DRF's own unique validators: full_clean() reports the same, once.
        for name in ("external_id",):
            fields[name].validators = [
                v for v in fields[name].validators if not isinstance(v, UniqueValidator)
            ]
        return fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_enterprise_number_display(self, obj) -> str:
        return format_enterprise_number(obj.enterprise_number or "")

    def validate_enterprise_number(self, value):
        if value is None or not value.strip():
            return None
        return normalize_enterprise_number(value)

    def validate(self, attrs):
        user = _user(self)
        if user is not None and not user.is_agency:
            refused = {
                name: serializers.ErrorDetail(
                    _("Only agency staff can change this field."), code="read_only_for_role"
                )
                for name in AGENCY_ONLY_FIELDS
                if name in attrs
                and (self.instance is None or attrs[name] != getattr(self.instance, name))
            }
            if refused:
                raise serializers.ValidationError(refused)
        plain = {k: v for k, v in attrs.items() if k not in M2M_FIELDS}
        if self.instance is None:
            candidate = Organisation(**plain)
        else:
            candidate = copy.copy(self.instance)
            for name, value in plain.items():
                setattr(candidate, name, value)
        _clean_instance(candidate)
        return attrs

    def _split(self, validated_data):
        m2m = {name: validated_data.pop(name) for name in M2M_FIELDS if name in validated_data}
        return validated_data, m2m

    def create(self, validated_data):
        data, m2m = self._split(validated_data)
        try:
            return services.create_organisation(Organisation(**data), _user(self), m2m=m2m)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)

    def update(self, instance, validated_data):
        data, m2m = self._split(validated_data)
        before = audit.snapshot(instance)
        for name, value in data.items():
            setattr(instance, name, value)
        try:
            return services.update_organisation(instance, before, _user(self), m2m=m2m)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)


# --- Contacts -----------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "language",
            "newsletter_consent",
            "newsletter_consent_at",
            "erased_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["newsletter_consent_at", "erased_at", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        # A contact can only be put at an organisation the user may change (404-free: an
        # organisation out of reach reads as "does not exist").
        if user is not None:
            fields["organisation"].queryset = Organisation.objects.visible_to(user, "change")
        return fields

    def validate(self, attrs):
        if self.instance is not None and self.instance.erased_at is not None:
            raise serializers.ValidationError(
                _("This contact was erased (GDPR) and cannot be changed."), code="erased"
            )
        if self.instance is None:
            candidate = Contact(**attrs)
        else:
            candidate = copy.copy(self.instance)
            for name, value in attrs.items():
                setattr(candidate, name, value)
        _clean_instance(candidate)
        return attrs

    def create(self, validated_data):
        try:
            return services.save_contact(Contact(**validated_data), _user(self))
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)

    def update(self, instance, validated_data):
        before = audit.snapshot(instance)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            return services.save_contact(instance, _user(self), before=before)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)


# --- Timeline, relations, audit -----------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "occurred_at",
            "title",
            "body",
            "actor",
            "contact",
            "is_internal",
            "link_url",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, obj) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()

    def validate_contact(self, contact):
        organisation = self.context.get("organisation")
        if contact is not None and organisation is not None:
            if contact.organisation_id != organisation.pk:
                raise serializers.ValidationError(
                    _("This contact does not work at this organisation."),
                    code="wrong_organisation",
                )
        return contact

    def validate(self, attrs):
        candidate = Activity(organisation=self.context["organisation"], **attrs)
        _clean_instance(candidate, exclude=("organisation",))
        return attrs

    def create(self, validated_data):
        return services.add_timeline_entry(
            organisation=self.context["organisation"], actor=_user(self), **validated_data
        )


class RelatedOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RelationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    direction = serializers.SerializerMethodField(
        help_text=_(
            "`out`: this organisation is the subject (it is a member of the other one); "
            "`in`: the other organisation is."
        )
    )
    other = serializers.SerializerMethodField()

    class Meta:
        model = Relation
        fields = ["id", "kind", "kind_label", "direction", "other", "since", "note"]

    def _is_out(self, obj) -> bool:
        return obj.source_id == self.context["organisation"].pk

    @extend_schema_field(serializers.ChoiceField(choices=["out", "in"]))
    def get_direction(self, obj) -> str:
        return "out" if self._is_out(obj) else "in"

    @extend_schema_field(RelatedOrganisationSerializer)
    def get_other(self, obj) -> dict:
        other = obj.target if self._is_out(obj) else obj.source
        return {"id": other.pk, "name": other.name}


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    changes = serializers.JSONField(
        help_text=_("Changed fields as {field: [old value, new value]}."), read_only=True
    )

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "created_at", "changes", "message", "object_repr"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, obj) -> str | None:
        return obj.actor.get_username() if obj.actor else None
