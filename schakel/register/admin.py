"""Django admin for the register. Changes made here are written to the audit log too."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schakel.core import audit
from schakel.register.models import Activity, Contact, Organisation, Relation


class AuditedAdminMixin:
    """Record every add and change made in the admin, many-to-many sets included."""

    def save_model(self, request, obj, form, change):
        form.audit_before = (
            audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form, "audit_before", None)
        if before is None:
            audit.record_create(form.instance, request.user, message="admin")
        else:
            audit.record_update(form.instance, before, request.user, message="admin")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "job_title", "email", "phone", "language"]
    show_change_link = True


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]
    verbose_name = _("relation to another organisation")
    verbose_name_plural = _("relations to other organisations")


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "type",
        "status",
        "enterprise_number",
        "municipality",
        "size_class",
        "employees",
    ]
    list_filter = ["type", "status", "size_class", "stage", "municipality__region", "clusters"]
    search_fields = ["name", "enterprise_number", "search_text"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "main_nace", "secondary_naces"]
    raw_id_fields = ["account_manager"]
    filter_horizontal = ["domains", "clusters", "themes"]
    readonly_fields = ["created_at", "updated_at", "kbo_synced_at", "manual_fields"]
    inlines = [ContactInline, RelationInline]
    show_full_result_count = False  # no second COUNT over 100,000 rows per page
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "type",
                    "status",
                    "enterprise_number",
                    "legal_form",
                    "external_id",
                ]
            },
        ),
        (_("Contact"), {"fields": ["description", "website", "email", "phone"]}),
        (_("Address"), {"fields": ["street", "postal_code", "municipality"]}),
        (
            _("Activity and size"),
            {
                "fields": [
                    "main_nace",
                    "secondary_naces",
                    "employees",
                    "turnover_eur",
                    "balance_total_eur",
                    "size_class",
                    "stage",
                    "start_date",
                ]
            },
        ),
        (_("Classification"), {"fields": ["domains", "clusters", "themes"]}),
        (
            _("Follow-up"),
            {
                "fields": [
                    "account_manager",
                    "source",
                    "kbo_synced_at",
                    "manual_fields",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]


@admin.register(Contact)
class ContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "organisation", "job_title", "email", "language", "erased_at"]
    list_filter = ["language", "newsletter_consent"]
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["newsletter_consent_at", "erased_at", "created_at", "updated_at"]


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "since"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name"]
    list_select_related = ["source", "target"]
    raw_id_fields = ["source", "target"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "organisation", "kind", "title", "actor", "is_internal"]
    list_filter = ["kind", "is_internal"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "actor"]
    raw_id_fields = ["organisation", "contact", "actor"]
    date_hierarchy = "occurred_at"
