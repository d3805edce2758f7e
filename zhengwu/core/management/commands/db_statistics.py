from django.core.management.base import BaseCommand

from zhengwu.core.dbstats import sqlite_statistics_refresh


class Command(BaseCommand):
    help = "刷新 SQLite 的查询规划统计(ANALYZE;任务进程每晚自动运行,大批量导入数据后可手动运行)"

    def handle(self, *args, **options):
        result = sqlite_statistics_refresh()
        if not result["refreshed"]:
            self.stdout.write("PostgreSQL 的统计信息由 autovacuum 维护,无需刷新。")
            return
        self.stdout.write(self.style.SUCCESS(
            f"已刷新 {result['tables']} 张表的查询规划统计,用时 {result['seconds']} 秒"
            f"(最慢:{result['slowest_table']},{result['slowest_seconds']} 秒)。"
        ))
