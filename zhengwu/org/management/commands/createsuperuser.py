"""``createsuperuser``, refused in production (三员分立: no all-powerful account).

Shadows django.contrib.auth's command: zhengwu.org is listed before it in INSTALLED_APPS
and Django keeps the first app's command of a given name. Outside production (demo,
development) it still works, but a superuser is granted nothing there either: access
follows posts (zhengwu.core.access ignores is_superuser).
"""

from django.conf import settings
from django.contrib.auth.management.commands.createsuperuser import (
    Command as DjangoCommand,
)
from django.core.management.base import CommandError


class Command(DjangoCommand):
    help = "创建超级用户(生产环境禁用;管理职责通过三员岗位授予)"

    def handle(self, *args, **options):
        if getattr(settings, "ZHENGWU_PRODUCTION", False):
            raise CommandError(
                "生产环境不允许创建超级用户。请由系统管理员创建工作人员账户,"
                "再由安全管理员授予系统管理员、安全管理员或审计管理员岗位。"
            )
        return super().handle(*args, **options)
