from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.demo.year import demo_year_build, demo_year_built


class Command(BaseCommand):
    help = ("为示例县建立过去一年的办件、信件、公开信息、依申请公开、评价和访问数据(通过平台自身的服务);"
            "只在第一次运行时建立,之后保留。需先运行 load_demo_county。")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="模拟的天数(默认 365)")

    def handle(self, *args, **options):
        if demo_year_built():
            self.stdout.write("一年演示数据:已建立过,未重复创建")
            return
        days = options["days"]
        if not 1 <= days <= 731:
            raise CommandError("天数应在 1 到 731 之间")
        self.stdout.write("正在建立示例县过去一年的演示数据(约一分钟)……")
        try:
            report = demo_year_build(days=days)
        except (DomainError, LookupError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(report.summary())
        self.stdout.write("各类模拟步骤用时(秒):" + "、".join(f"{k} {v:.1f}" for k, v in report.timings.most_common()))
        if report.refused:
            self.stdout.write("按规则未执行的模拟步骤:" + "、".join(f"{k} {v}" for k, v in report.refused.most_common()))
