"""Django admin for the reference data. Themes are edited here or on /places/themes/."""

from django.contrib import admin

from schakel.places.models import Cluster, Domain, Municipality, NaceCode, PostalCode, Region, Theme


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "name_fr", "source"]
    search_fields = ["code", "name_nl", "name_en", "name_fr"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["nis_code", "name_nl", "name_fr", "province_nis", "region", "merged_into"]
    list_filter = ["region", "province_nis"]
    search_fields = ["nis_code", "name_nl", "name_fr", "name_en", "name_de"]
    list_select_related = ["region", "merged_into"]
    raw_id_fields = ["merged_into"]
    inlines = [PostalCodeInline]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name", "municipality__name_nl"]
    list_select_related = ["municipality"]
    raw_id_fields = ["municipality"]


@admin.register(NaceCode)
class NaceCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_nl", "name_en", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_nl", "name_fr", "name_en"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "name_fr"]
    search_fields = ["code", "name_nl", "name_en", "name_fr"]


admin.site.register(Domain, VocabularyAdmin)
admin.site.register(Cluster, VocabularyAdmin)


@admin.register(Theme)
class ThemeAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "is_active"]
    list_filter = ["is_active"]
