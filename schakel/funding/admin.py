"""Admin for the funding master data (programmes, calls, criteria, ceilings, indicators).

Programmes and calls are saved through the services, so the envelope check, the
catalogue offering and the audit trail are the same as anywhere else. The ledger and
the de minimis register are read-only here: money moves through the ledger services.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schakel.core import audit
from schakel.funding import services
from schakel.funding.ledger import eur, total
from schakel.funding.models import (
    Application,
    Call,
    Criterion,
    DeMinimisAid,
    DeMinimisCeiling,
    Indicator,
    LedgerEntry,
    Programme,
    ProgrammeManager,
    ProgrammeSource,
)


class ProgrammeSourceInline(admin.TabularInline):
    model = ProgrammeSource
    extra = 0


class ProgrammeManagerInline(admin.TabularInline):
    model = ProgrammeManager
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "funder", "envelope_eur", "allocated_eur", "is_de_minimis"]
    search_fields = ["name", "code"]
    raw_id_fields = ["funder"]
    readonly_fields = ["allocated_eur"]
    inlines = [ProgrammeSourceInline, ProgrammeManagerInline]

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(Programme.objects.get(pk=obj.pk)) if change else None
        services.save_programme(obj, request.user, before=before)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class CallAdminForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = "__all__"

    def clean(self):
        data = super().clean()
        programme, budget = data.get("programme"), data.get("budget_eur")
        if programme and budget is not None:
            others = total(
                Call.objects.filter(programme=programme).exclude(pk=self.instance.pk), "budget_eur"
            )
            if others + budget > programme.envelope_eur:
                self.add_error(
                    "budget_eur",
                    _("At most %(room)s EUR of the envelope is left for this call.")
                    % {"room": eur(programme.envelope_eur - others)},
                )
        return data


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    form = CallAdminForm
    list_display = [
        "title",
        "code",
        "programme",
        "opens_at",
        "closes_at",
        "budget_eur",
        "committed_eur",
    ]
    list_filter = ["programme"]
    search_fields = ["title", "code"]
    readonly_fields = ["committed_eur", "paid_eur", "offering"]
    inlines = [CriterionInline]

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(Call.objects.get(pk=obj.pk)) if change else None
        # The form checked the envelope; the service checks it again under the lock.
        services.save_call(obj, request.user, before=before)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_call_offering(form.instance, request.user)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "applicant", "call", "status", "requested_eur", "committed_eur"]
    list_filter = ["status", "call__programme"]
    search_fields = ["title", "applicant__name"]
    # Everything changes through the services (freezing, decisions, the ledger).
    readonly_fields = [f.name for f in Application._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["booked_on", "kind", "amount_eur", "application", "call", "created_by"]
    list_filter = ["kind", "call__programme"]
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeMinimisAid)
class DeMinimisAidAdmin(admin.ModelAdmin):
    list_display = ["organisation", "granted_on", "amount_eur", "granting_body", "application"]
    search_fields = ["organisation__name", "granting_body"]
    readonly_fields = [f.name for f in DeMinimisAid._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeMinimisCeiling)
class DeMinimisCeilingAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "amount_eur", "window_years", "regulation"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "position"]
