"""Configuration screens only: the exchange's settings row (who the data office is).

Catalog entries, requests, grants and keys are worked on the exchange's own pages,
through the services, never here.
"""

from django.contrib import admin

from .models import ExchangeConfig


@admin.register(ExchangeConfig)
class ExchangeConfigAdmin(admin.ModelAdmin):
    list_display = ("data_office", "provide_first")
    readonly_fields = ("data_office", "provide_first")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Changed through exchange.services.config_set (audited), from the office page.
        return False
