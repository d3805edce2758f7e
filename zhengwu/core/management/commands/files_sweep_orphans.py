from django.core.management.base import BaseCommand

from zhengwu.core.uploads import files_sweep_orphans


class Command(BaseCommand):
    help = "删除上传目录中没有数据库记录的遗留文件(例如外层事务回滚后留下的文件)"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600, help="只删除早于此秒数的文件,默认 3600")

    def handle(self, *args, older_than, **options):
        removed = files_sweep_orphans(older_than_seconds=older_than)
        self.stdout.write(f"已删除 {len(removed)} 个遗留文件")
