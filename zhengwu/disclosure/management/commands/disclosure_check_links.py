"""Check the external links in published disclosures; results appear on /office/site-health/."""

from django.core.management.base import BaseCommand

from zhengwu.disclosure.health.links import external_links_check
from zhengwu.disclosure.health.thresholds import (
    EXTERNAL_LINK_MAX_PER_RUN,
    EXTERNAL_LINK_TIMEOUT_SECONDS,
)


class Command(BaseCommand):
    help = "检查已发布政府信息正文中的外部链接(每个链接一次请求,超时很短),结果显示在网站健康检查页面"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=EXTERNAL_LINK_TIMEOUT_SECONDS, help="每个链接的超时秒数")
        parser.add_argument("--limit", type=int, default=EXTERNAL_LINK_MAX_PER_RUN, help="本次最多检查的链接数")

    def handle(self, *args, timeout, limit, **options):
        def progress(i, total, url, result):
            state = "正常" if result.ok else f"失败({result.error})"
            self.stdout.write(f"[{i}/{total}] {url} {state}")

        summary = external_links_check(actor=None, timeout=timeout, limit=limit, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"共检查 {summary['checked']} 个外部链接,{summary['failed']} 个无法访问"))
