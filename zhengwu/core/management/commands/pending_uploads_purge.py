from django.core.management.base import BaseCommand

from zhengwu.core.uploads.pending import pending_uploads_purge


class Command(BaseCommand):
    help = "删除已过期的待提交上传文件(表单中已选择但始终未提交的文件)以及无记录的待提交文件"

    def handle(self, *args, **options):
        removed = pending_uploads_purge()
        self.stdout.write(f"已删除 {removed} 个过期或遗留的待提交文件")
