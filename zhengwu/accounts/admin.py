"""Accounts are read here, never edited: registration and staff creation go through
services, and ID numbers and phones are shown masked."""

from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("display_name", "kind", "masked_id", "masked_phone", "is_active", "is_staff", "is_demo", "last_login")
    list_filter = ("kind", "is_active", "is_demo")
    search_fields = ("real_name",)
    fields = ("display_name", "kind", "masked_id", "credit_code", "legal_representative", "masked_phone",
              "is_active", "is_staff", "is_demo", "last_login", "date_joined")
    readonly_fields = fields

    @admin.display(description="姓名/单位名称")
    def display_name(self, obj):
        return obj.real_name or (obj.username if obj.kind == User.Kind.STAFF else "")

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return obj.id_number_masked

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return obj.phone_masked

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
