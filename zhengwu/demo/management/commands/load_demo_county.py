from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.demo.services import demo_county_load, demo_extras_load


class Command(BaseCommand):
    help = "载入示例县演示数据(机构、部门职责、实施清单、网站标识、演示账户);可重复运行。需先运行 migrate 和 load_catalog。"

    def handle(self, *args, **options):
        try:
            report = demo_county_load()
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        self.stdout.write(
            f"示例县:新建机构 {report.units_created} 个,分配工作领域 {report.areas_assigned} 个,"
            f"补充实施清单 {report.items_updated} 项,设置申请材料 {report.materials_set} 项,"
            f"新建账户 {report.accounts_created} 个,授予岗位 {report.posts_granted} 个"
            + (",已设置网站标识" if report.site_updated else "")
            + ("" if report.changed else "(数据已是最新,未做改动)")
        )
        try:
            for line in demo_extras_load():
                self.stdout.write(line)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        table = self._table(report)
        self.stdout.write(table)
        path = settings.VAR_DIR / "demo_accounts.txt"
        path.write_text(table + "\n", encoding="utf-8")
        self.stdout.write(f"演示账户表已写入 {path}")
        self.stderr.write(self.style.WARNING(
            "警告:以上均为演示账户(密码公开),生产环境中不得存在演示账户。"
        ))

    @staticmethod
    def _table(report) -> str:
        lines = [
            "演示账户(所有账户密码均为:%s)" % report.password,
            "",
            f"{'登录名':<20}\t{'类型':<6}\t{'姓名/单位':<16}\t岗位",
        ]
        for acc in report.accounts:
            lines.append(f"{acc.login:<20}\t{acc.kind:<6}\t{acc.name:<16}\t{acc.post}")
        lines.append("")
        lines.append("个人用身份证号登录,法人用统一社会信用代码登录,工作人员用登录名登录。")
        lines.append("系统管理员 xitong 可进入 /admin/ 配置管理后台;三员(系统、安全、审计管理员)互相分立。")
        if report.totp_secret:
            lines.append(
                "工作人员登录后须输入手机令牌验证码(双因素认证)。演示工作人员共用公开的演示令牌密钥 "
                f"{report.totp_secret}(TOTP,6 位,30 秒):可填入手机身份验证器应用,"
                "或运行 `manage.py demo_totp <登录名>` 显示当前验证码。"
            )
        return "\n".join(lines)
