"""System checks: no demo accounts outside a demo setup (MLPS: no default/shared accounts).

Demo accounts share one published password, so they must never survive into a real
deployment. Warning when they exist on a non-demo, non-debug setup; an error under the
production flag (``ZHENGWU_PRODUCTION``), which makes ``manage.py check --deploy`` fail.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError


def _demo_account_count() -> int | None:
    from .models import User

    try:
        return User.objects.filter(is_demo=True).count()
    except DatabaseError:
        return None  # no database yet (fresh checkout, before migrate): nothing to check


@register()
def demo_accounts_check(app_configs=None, **kwargs):
    production = getattr(settings, "ZHENGWU_PRODUCTION", False)
    if not production and (getattr(settings, "ZHENGWU_DEMO", False) or settings.DEBUG):
        return []
    count = _demo_account_count()
    if not count:
        return []
    hint = "演示账户使用公开的统一密码。请在正式环境中停用或删除这些账户(is_demo=True),或仅在演示环境中设置 ZHENGWU_DEMO=1。"
    message = f"数据库中存在{count}个演示账户,但当前不是演示环境。"
    if production:
        return [Error(message, hint=hint, id="accounts.E001")]
    return [Warning(message, hint=hint, id="accounts.W001")]
