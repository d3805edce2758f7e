from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.operations.backup import backup_create, backup_prune


class Command(BaseCommand):
    help = "在平台运行时做一次一致的备份(数据库快照、上传文件、带哈希的清单)"

    def add_arguments(self, parser):
        parser.add_argument("--dest", help="备份存放目录(默认 ZHENGWU_BACKUP_DIR,即 var/backups)")
        parser.add_argument("--keep", type=int, default=None,
                            help="备份后只保留最新的 N 份(默认 ZHENGWU_BACKUP_KEEP;0 表示不清理)")

    def handle(self, *args, dest=None, keep=None, **options):
        root = Path(dest) if dest else None
        try:
            result = backup_create(actor=None, dest_root=root)
            keep = settings.ZHENGWU_BACKUP_KEEP if keep is None else keep
            removed = backup_prune(actor=None, keep=keep, root=root) if keep else []
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"备份完成:{result.path}\n  {result.tables} 张表 {result.rows} 行,上传文件 {result.files} 个,"
            f"共 {result.bytes / 1e6:.1f} MB,用时 {result.seconds:.1f} 秒。"
        ))
        for problem in result.problems:
            self.stderr.write(self.style.WARNING(f"  注意:{problem}"))
        if removed:
            self.stdout.write(f"  按保留 {keep} 份的规则删除了较早的备份:{'、'.join(p.name for p in removed)}")
        if result.problems:
            raise SystemExit(2)
