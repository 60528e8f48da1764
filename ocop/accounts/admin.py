from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "commune", "producer"]
    list_filter = ["role"]
    raw_id_fields = ["commune", "producer"]
