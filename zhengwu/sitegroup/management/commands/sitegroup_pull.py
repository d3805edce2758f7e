"""Pull the site-group feeds now, in this process (the periodic task does the same every 30 minutes)."""

from django.core.management.base import BaseCommand, CommandError

from zhengwu.sitegroup import selectors, services
from zhengwu.sitegroup.models import FeedSource


class Command(BaseCommand):
    help = "抓取网站群订阅源(默认全部已启用的订阅源)"

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", help="只抓取该编号的订阅源,可重复")

    def handle(self, *args, source=None, **options):
        ids = source or selectors.feed_source_ids_to_pull()
        if not ids:
            self.stdout.write("没有已启用的订阅源")
            return
        failed = 0
        for source_id in ids:
            outcome = services.feed_source_pull(source_id=source_id)
            name = FeedSource.objects.filter(pk=source_id).values_list("name", flat=True).first() or "?"
            if outcome is None:
                self.stdout.write(f"[{source_id}] {name}:已停用或不存在,跳过")
                continue
            failed += outcome.status == FeedSource.Status.ERROR
            self.stdout.write(f"[{source_id}] {name}:{outcome.describe()}")
        if failed and failed == len(ids):
            raise CommandError(f"全部 {failed} 个订阅源抓取失败")
