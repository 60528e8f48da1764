from django.contrib import admin

from .models import Commune, LegacyDistrict, LegacyProvince, LegacyWard, Province


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["name", "code"]
    list_filter = ["province"]


admin.site.register([Province, LegacyProvince, LegacyDistrict, LegacyWard])
