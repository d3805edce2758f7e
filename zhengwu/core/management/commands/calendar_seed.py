from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from django.utils import timezone

from zhengwu.core.workdays import (
    PROVISIONAL_YEARS_AHEAD,
    calendar_coverage,
    calendar_fill_provisional,
    calendar_missing_years,
    calendar_provisional_years,
    calendar_seed_from_package,
    moved_clock_lines,
)


class Command(BaseCommand):
    help = "从 chinesecalendar 数据包载入节假日安排(幂等;不覆盖管理员导入或修改过的年份,除非 --force)"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, nargs="+", help="只载入这些年份(默认:数据包包含的全部年份)")
        parser.add_argument("--force", action="store_true", help="覆盖管理员导入或修改过的年份")
        parser.add_argument(
            "--no-provisional", action="store_true",
            help=f"不按法定节假日规则推算之后的年度(默认推算到今年后 {PROVISIONAL_YEARS_AHEAD} 年)",
        )

    def handle(self, *args, years=None, force=False, no_provisional=False, **options):
        try:
            result = calendar_seed_from_package(actor=None, years=years, force=force)
            estimated = [] if no_provisional else calendar_fill_provisional(
                actor=None, through_year=timezone.localdate().year + PROVISIONAL_YEARS_AHEAD
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.moved_clocks:
            self.stdout.write(self.style.WARNING(
                f"数据包载入了原先暂定推算的年度,{len(result.moved_clocks)} 个在办时限的到期日随之变动:"
            ))
            for line in moved_clock_lines(result.moved_clocks):
                self.stdout.write(f"  {line}")
        if result.loaded:
            self.stdout.write(self.style.SUCCESS(
                f"已从数据包载入 {len(result.loaded)} 个年度:{result.loaded[0]}–{result.loaded[-1]} 年。"
            ))
        if result.skipped:
            self.stdout.write(
                f"保留管理员导入或修改过的年份(未覆盖):{'、'.join(map(str, result.skipped))}。如需覆盖请加 --force。"
            )
        coverage = calendar_coverage()
        if coverage:
            self.stdout.write(f"日历覆盖 {coverage[0]}–{coverage[1]} 年。")
        if estimated:
            self.stdout.write(f"按法定节假日规则暂定推算:{'、'.join(map(str, estimated))} 年。")
        provisional = calendar_provisional_years()
        missing = [y for y in calendar_missing_years() if y not in provisional]
        if provisional:
            self.stdout.write(self.style.WARNING(
                f"{'、'.join(map(str, provisional))} 年的国务院节假日安排尚未载入:期限按法定节假日规则暂定推算(不含调休),"
                "群众页面显示为“预计”。通知发布后,请在管理后台“导入年度节假日安排”或运行 manage.py calendar_import 载入。"
            ))
        if missing:
            self.stdout.write(self.style.WARNING(
                f"尚未载入 {'、'.join(map(str, missing))} 年的节假日安排:涉及这些年份的期限将按周一至周五计算并标记为不完整。"
                "国务院通知发布后,请在管理后台“导入年度节假日安排”或运行 manage.py calendar_import 载入。"
            ))
