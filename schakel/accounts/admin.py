"""Django admin for accounts: users with their role and mandates, API tokens, failed logins."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schakel.accounts.models import ApiToken, LoginFailure, Mandate, User


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    raw_id_fields = ["organisation"]
    fields = ["organisation", "capacity", "valid_from", "valid_until"]


class ApiTokenInline(admin.TabularInline):
    """Tokens of a user, read-only: keys are created with `schakel token create`."""

    model = ApiToken
    extra = 0
    can_delete = False
    fields = ["prefix", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser", "language"]
    raw_id_fields = ["partner_organisation"]
    list_select_related = ["partner_organisation"]
    inlines = [MandateInline, ApiTokenInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Schakel"), {"fields": ["role", "partner_organisation", "language"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Schakel"), {"fields": ["email", "role", "partner_organisation", "language"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the prefix and the hash are stored; the raw key is never shown again."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        # A raw key must be shown once to whoever asked for it: use `schakel token create`.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "created_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = ["username", "ip_address", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
