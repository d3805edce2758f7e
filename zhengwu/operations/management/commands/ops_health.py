from django.core.management.base import BaseCommand

from zhengwu.operations.health import health_sweep, run_checks


class Command(BaseCommand):
    help = "运行健康检查,异常项自动登记故障工单(可放在系统 cron 中,任务消费者停止时也能发现)"

    def handle(self, *args, **options):
        checks = run_checks()
        for c in checks:
            line = f"{'正常' if c.ok else '异常'}  {c.label}:{c.detail}"
            self.stdout.write(self.style.SUCCESS(line) if c.ok else self.style.WARNING(line))
        for ticket in health_sweep(checks=checks):
            self.stdout.write(f"工单 {ticket.number}({ticket.grade} 级):{ticket.title}")
        if any(not c.ok for c in checks):
            raise SystemExit(1)
