from django.contrib import admin

from schakel.catalog.models import Offering, ProviderProfile


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("external_id", "title_nl", "kind", "provider", "open_until", "is_archived")
    list_filter = ("kind", "is_archived", "clusters", "domains")
    search_fields = ("external_id", "title_nl", "title_en", "title_fr", "search_text")
    raw_id_fields = ("provider", "municipality")
    filter_horizontal = ("domains", "clusters")


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation",)
    search_fields = ("organisation__name", "organisation__external_id")
    raw_id_fields = ("organisation",)
