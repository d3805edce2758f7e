from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.operations.backup import backup_check, backup_restore


class Command(BaseCommand):
    help = "从备份恢复平台并校验(行数、文件哈希、审计链);恢复前请先停止平台"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份目录(manage.py backup 的输出)")
        parser.add_argument("--check", action="store_true", help="只校验备份是否完整,不恢复")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据(不询问)")
        parser.add_argument("--no-search", action="store_true", help="恢复后不重建检索索引(稍后手动 search_rebuild)")

    def handle(self, *args, path, check=False, yes=False, no_search=False, **options):
        folder = Path(path)
        try:
            manifest = backup_check(folder)
            if check:
                self.stdout.write(self.style.SUCCESS(
                    f"备份完整:{len(manifest['tables'])} 张表,上传文件 {len(manifest['files'])} 个,"
                    f"备份时间 {manifest['created_at']}。"
                ))
                return
            if not yes:
                answer = input(f"将用 {folder.name}(备份于 {manifest['created_at']})覆盖当前全部数据,平台须已停止。输入 yes 继续:")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消,未做任何改动。")
            report = backup_restore(actor=None, path=folder, rebuild_search=not no_search)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        lines = [
            f"恢复完成并已校验:{report.tables} 张表 {report.rows} 行与备份一致,上传文件 {report.files} 个哈希一致,"
            f"审计链完整({report.audit_rows_checked} 条),用时 {report.seconds:.1f} 秒。",
        ]
        if report.orphans_moved:
            lines.append(f"备份之后上传的 {report.orphans_moved} 个文件已移到 {report.orphan_dir}(未删除)。")
        if report.search_documents is not None:
            lines.append(f"检索索引已重建:{report.search_documents} 篇。")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
