from django.contrib import admin

from schakel.support.models import CaseEvent, Question, Referral, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "region", "cluster", "domain", "owner", "priority", "is_active"]
    list_filter = ["is_active", "region", "cluster", "domain"]
    list_editable = ["priority", "is_active"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "state", "owner", "channel", "received_at"]
    list_filter = ["state", "channel"]
    search_fields = ["reference", "organisation__name"]
    raw_id_fields = ["organisation", "contact"]
    # State, owner and version change through the services (events, audit, locking).
    readonly_fields = ["state", "version", "closure_reason", "owner", "first_responded_at"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["question", "partner", "state", "outcome", "created_at"]
    list_filter = ["state", "outcome"]
    raw_id_fields = ["question", "partner", "offering"]
    readonly_fields = ["state", "consent_given_at", "consent_channel", "outcome"]


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["question", "kind", "actor", "created_at"]
    list_filter = ["kind"]
