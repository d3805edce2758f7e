"""The admin app config: kept apart from admin_site so that INSTALLED_APPS can import it
before the app registry is ready (admin_site imports auth views, hence models)."""

from django.contrib.admin.apps import AdminConfig

# django-otp registers admin pages for its device models. They would let an administrator
# read other people's TOTP secrets and delete devices without an audit row; device
# changes go through zhengwu.accounts.mfa instead (reset by the security administrator).
_HIDDEN_MODELS = (
    ("otp_totp", "TOTPDevice"),
    ("otp_static", "StaticDevice"),
)


class StaffAdminConfig(AdminConfig):
    default_site = "zhengwu.accounts.admin_site.StaffAdminSite"

    def ready(self):
        super().ready()
        from django.apps import apps
        from django.contrib import admin

        for app_label, model_name in _HIDDEN_MODELS:
            model = apps.get_model(app_label, model_name)
            if admin.site.is_registered(model):
                admin.site.unregister(model)
