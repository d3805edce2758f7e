from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengwu.accounts"
    label = "accounts"
    verbose_name = "用户账户"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
