from django.core.management.base import BaseCommand

from zhengwu.catalog.services import catalog_load


class Command(BaseCommand):
    help = "载入(或更新)国务院基本目录的 385 个事项;可重复执行,不覆盖本县编辑的实施清单。"

    def handle(self, *args, **options):
        report = catalog_load(actor=None)
        self.stdout.write(self.style.SUCCESS(report.summary()))
