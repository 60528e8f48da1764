from django.contrib import admin

from .models import ApiToken, Lockout, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "commune", "producer"]
    list_filter = ["role"]
    raw_id_fields = ["commune", "producer"]


@admin.register(Lockout)
class LockoutAdmin(admin.ModelAdmin):
    """Deleting a row unlocks the username or address at once (someone who called the province office)."""

    list_display = ["kind", "value", "ip", "until", "failures"]
    list_filter = ["kind"]
    search_fields = ["value", "ip"]
    readonly_fields = ["kind", "value", "ip", "until", "failures"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: keys are created and revoked by their owners (page "Khóa API") or `ocop tokens`."""

    list_display = ["name", "prefix", "owner", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["name", "prefix", "owner__username"]
    fields = readonly_fields = [
        "name",
        "prefix",
        "owner",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]

    def has_add_permission(self, request):
        return False
