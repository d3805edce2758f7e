"""Re-index every registered search source (or one type): `manage.py search_rebuild [--type item]`."""

import time

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import ValidationFailed
from zhengwu.search.backends import search_backend
from zhengwu.search.services import search_rebuild
from zhengwu.core.registries.search import search_sources


class Command(BaseCommand):
    help = "重建全文检索索引(全部类型,或用 --type 指定一种)"

    def add_arguments(self, parser):
        parser.add_argument("--type", dest="doc_type", default=None,
                            help="只重建这一类型,例如 item;可选:" + "、".join(sorted(search_sources())))

    def handle(self, *args, doc_type=None, **options):
        backend = search_backend()
        started = time.perf_counter()

        def progress(n):
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  已索引 {n} 篇,{n / elapsed:.0f} 篇/秒" if elapsed else f"  已索引 {n} 篇")

        self.stdout.write(f"重建检索索引(引擎:{backend.name},类型:{doc_type or '全部'})")
        try:
            counts = search_rebuild(actor=None, doc_type=doc_type, progress=progress)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        total = sum(counts.values())
        for name, n in sorted(counts.items()):
            self.stdout.write(f"  {name}: {n} 篇")
        rate = total / elapsed if elapsed > 0 else 0
        self.stdout.write(self.style.SUCCESS(f"完成:共 {total} 篇,用时 {elapsed:.1f} 秒({rate:.0f} 篇/秒)"))
