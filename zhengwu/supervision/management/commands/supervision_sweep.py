from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zhengwu.supervision.services import supervision_sweep


class Command(BaseCommand):
    help = "电子监察巡检:对所有计时中的时限判定黄牌/红牌,只写入新的预警和过错记录。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期巡检(YYYY-MM-DD),默认今天")
        parser.add_argument("--full", action="store_true",
                            help="重新检查全部计时中的时限和全部办件事件(默认只看上次巡检以来可能变化的部分)")

    def handle(self, *args, today=None, full=False, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD") from None
        r = supervision_sweep(today=day, full=full)
        self.stdout.write(
            f"{r.today}:计时中 {r.running},正常 {r.normal},黄牌 {r.yellow},红牌 {r.red};"
            f"新增黄牌 {r.new_yellow},新增红牌 {r.new_red},新增过错 {r.new_faults}"
            + (f";用时 {sum((r.seconds or {}).values()):.2f} 秒" if r.seconds else "")
        )
