"""Fill the demo catalog's tables with generated records, up to the article's 30,000,000.

    manage.py exchange_build_records [--total 30000000] [--tables 300]

Rows are generated inside the database (one INSERT … SELECT per batch, no Python per
row) into the first ``--tables`` published table resources, evenly; counts, kept value
counts and freshness are updated through the load bookkeeping. For benchmarks: the
records are synthetic.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from zhengwu.exchange import datastore as ds
from zhengwu.exchange import selectors, services
from zhengwu.exchange.ingest import load_finish

BATCH = 1_000_000


class Command(BaseCommand):
    help = "为示例资源目录生成共享数据记录(基准测试用,默认共 3000 万条)"

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=30_000_000)
        parser.add_argument("--tables", type=int, default=300)

    def handle(self, *args, total: int, tables: int, **options):
        resources = list(selectors.published().filter(format="table").select_related("provider").order_by("pk")[:tables])
        if not resources:
            raise CommandError("没有已发布的数据库表类资源:请先运行 load_demo_county")
        per = total // len(resources)
        started = time.monotonic()
        done = 0
        for r in resources:
            services.table_ensure(r)
            columns = services.columns_of(selectors.resource_fields(r))
            begin = ds.table_count(r.table_name) + 1_000_000_000  # clear of the demo's own keys
            want = per + (total - per * len(resources) if r is resources[-1] else 0)
            t0 = timezone.now()
            for offset in range(0, want, BATCH):
                with transaction.atomic(using=ds.alias()):
                    ds.table_fill_synthetic(table=r.table_name, columns=columns, start=begin + offset,
                                            count=min(BATCH, want - offset))
            load_finish(actor=None, resource=r, kind="pull", report=ds.WriteReport(rows_read=want, rows_written=want),
                    started=t0, partial_allowed=True, message="基准测试生成数据")
            done += want
            rate = done / max(time.monotonic() - started, 1e-9)
            self.stdout.write(f"{r.slug}: +{want:,} 条;累计 {done:,} 条,{rate:,.0f} 条/秒")
        self.stdout.write(self.style.SUCCESS(f"完成:{done:,} 条记录,用时 {time.monotonic() - started:,.0f} 秒"))

