from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.core.workdays import calendar_import_year, moved_clock_lines, parse_arrangement_text


class Command(BaseCommand):
    help = "从文本文件导入一个年度的国务院节假日安排(每行:日期 假日|调休 名称)"

    def add_arguments(self, parser):
        parser.add_argument("file", help="安排文件路径(UTF-8 文本)")
        parser.add_argument("--year", type=int, required=True, help="年份")
        parser.add_argument("--notice", default="", help="国务院通知文号")

    def handle(self, *args, file, year, notice, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件:{path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码的文本,请转换后重试") from exc
        try:
            parsed = parse_arrangement_text(text, year=year)
            result = calendar_import_year(
                actor=None, year=year, holidays=parsed.holidays, makeup_workdays=parsed.makeup_workdays,
                notice=notice, source="file",
            )
        except DomainError as exc:
            lines = exc.details.get("errors") or [exc.message]
            raise CommandError("导入失败:\n  " + "\n  ".join(lines)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已导入 {year} 年节假日安排:假日 {len(parsed.holidays)} 天,调休上班 {len(parsed.makeup_workdays)} 天。"
        ))
        if result.moved_clocks:
            self.stdout.write(self.style.WARNING(
                f"以下 {len(result.moved_clocks)} 个在办时限的到期日随之变动(已重新计算):"
            ))
            for line in moved_clock_lines(result.moved_clocks):
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("没有在办时限的到期日因此变动。")
