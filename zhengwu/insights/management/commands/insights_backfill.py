from django.core.management.base import BaseCommand

from zhengwu.insights.services import keywords_backfill


class Command(BaseCommand):
    help = "为尚无关键词的信件提取关键词(--rebuild 重新提取全部信件)"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="重新提取全部信件的关键词")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, rebuild=False, batch_size=1000, **options):
        done = keywords_backfill(actor=None, rebuild=rebuild, batch_size=max(1, batch_size), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"完成:共处理 {done} 封信件"))
