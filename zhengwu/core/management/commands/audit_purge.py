"""Remove audit rows older than a cut date, keeping the hash chain verifiable.

    manage.py audit_purge --before 2025-06-01            # shows what would be removed
    manage.py audit_purge --before 2025-06-01 --yes      # removes it (audited)
"""

import datetime as dt
import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.audit import audit_purge, audit_purge_latest_allowed, audit_retention_days
from zhengwu.core.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式不对:{value}(应为 YYYY-MM-DD)") from None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Command(BaseCommand):
    help = "清理早于截止日期的审计记录(至少保留6个月);清理本身写入审计记录,并记录哈希链的新起点"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="截止日期 YYYY-MM-DD(北京时间零点,不含当日)")
        parser.add_argument("--yes", action="store_true", help="确认执行;不加时只显示将清理多少条")
        parser.add_argument("--operator", default="", help="执行人的登录名(写入审计记录)")
        parser.add_argument(
            "--force-record-break", action="store_true",
            help="审计链已断裂时仍然清理,并把断裂位置写入清理记录",
        )

    def handle(self, *args, **options):
        before = _date(options["before"])
        actor = None
        if options["operator"]:
            actor = get_user_model().objects.filter(username=options["operator"], is_active=True).first()
            if actor is None:
                raise CommandError(f"执行人“{options['operator']}”不存在或已停用")
        operator = f"{actor.audit_label if actor else '系统'}(操作系统用户 {_os_user()})"
        try:
            plan = audit_purge(
                actor=actor, before=before, operator_label=operator,
                force_record_break=options["force_record_break"], dry_run=not options["yes"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for note in plan.notes:
            self.stderr.write(self.style.WARNING(note))
        cut = plan.cut_before.isoformat()
        if plan.removed == 0:
            self.stdout.write(f"没有早于 {cut} 的审计记录,无需清理。")
            return
        if plan.purge is None:
            self.stdout.write(
                f"将清理早于 {cut} 的审计记录 {plan.removed} 条(至 #{plan.last_purged_id})。"
                f"保存期 {audit_retention_days()} 天,最晚可清理到 {audit_purge_latest_allowed().isoformat()}。"
                "确认后加 --yes 执行。"
            )
            return
        self.stdout.write(self.style.SUCCESS(
            f"已清理审计记录 {plan.removed} 条(至 #{plan.last_purged_id}),清理记录 #{plan.purge.pk},"
            f"审计记录 #{plan.event.pk}。哈希链自 {plan.last_purged_hash[:16]}… 起继续校验。"
        ))
