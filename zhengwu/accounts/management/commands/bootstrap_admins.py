"""First-time set-up of a real (non-demo) installation: the county unit and the three
separated administrators (系统/安全/审计管理员).

``createsuperuser`` is refused in production (三员分立 leaves no all-powerful account), so
this is the one way in. It runs only while nobody holds any of the three posts, prints a
random initial password for each account once, and each must be changed at first login.
"""

import secrets
import string

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhengwu.accounts.services import staff_create
from zhengwu.core.errors import DomainError
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import SEPARATED_ADMIN_ROLES, Role
from zhengwu.org.services import assignment_grant, unit_create

ADMINS = (
    (Role.SYSTEM_ADMIN, "系统管理员"),
    (Role.SECURITY_ADMIN, "安全管理员"),
    (Role.AUDIT_ADMIN, "审计管理员"),
)


def _initial_password() -> str:
    # 16 characters from all four classes: passes the 3-of-4 rule with margin.
    alphabet = string.ascii_letters + string.digits + "@#%+=?"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        classes = sum(
            any(c in group for c in candidate)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "@#%+=?")
        )
        if classes == 4:
            return candidate


class Command(BaseCommand):
    help = "首次部署:创建县级根机构和系统/安全/审计三名管理员(仅当尚无任何管理员时可用)"

    def add_arguments(self, parser):
        parser.add_argument("--county-code", required=True, help="县级机构代码,例如 330122")
        parser.add_argument("--county-name", required=True, help="县名称,例如 某某县人民政府")
        parser.add_argument("--system", required=True, metavar="USERNAME", help="系统管理员登录名")
        parser.add_argument("--security", required=True, metavar="USERNAME", help="安全管理员登录名")
        parser.add_argument("--audit", required=True, metavar="USERNAME", help="审计管理员登录名")

    def handle(self, *args, **options):
        if Assignment.objects.filter(role__in=SEPARATED_ADMIN_ROLES).exists():
            raise CommandError("已存在管理员岗位,不能再次初始化;新增或更换管理员请由安全管理员在后台授予岗位。")
        usernames = {
            Role.SYSTEM_ADMIN: options["system"],
            Role.SECURITY_ADMIN: options["security"],
            Role.AUDIT_ADMIN: options["audit"],
        }
        if len(set(usernames.values())) != 3:
            raise CommandError("三名管理员必须是三个不同的账户(三员分立)。")
        created = []
        try:
            with transaction.atomic():
                county = Unit.objects.filter(parent__isnull=True, kind=Unit.Kind.COUNTY).first()
                if county is None:
                    county = unit_create(
                        actor=None, code=options["county_code"], name=options["county_name"], kind=Unit.Kind.COUNTY
                    )
                for role, title in ADMINS:
                    password = _initial_password()
                    user = staff_create(
                        actor=None,
                        username=usernames[role],
                        real_name=title,
                        password=password,
                        must_change_password=True,
                    )
                    assignment_grant(actor=None, user=user, unit=county, role=role)
                    created.append((title, user.username, password))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已在“{county.name}”下创建三名管理员。初始密码只显示这一次,首次登录须修改密码并绑定动态口令:"))
        for title, username, password in created:
            self.stdout.write(f"  {title}  登录名 {username}  初始密码 {password}")
