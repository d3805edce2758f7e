"""Health checks: what /readyz reports and what opens fault tickets by itself.

Each check answers ok or not with a Chinese explanation and, when not ok, the grade of
the ticket it opens (A: the platform cannot run; B: part of it is limited; C: slight).
``health_sweep`` runs them all and opens one ticket per failing check (a check that is
already ticketed is not ticketed twice). It runs in the task consumer every five minutes
and as ``manage.py ops_health`` from the system cron, so a dead consumer is still noticed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from zhengwu.core.models import DeferredTask
from zhengwu.core.workdays import calendar_missing_years, calendar_provisional_years

from .backup import backup_list
from .models import FaultTicket, Heartbeat
from .services import ticket_open

CONSUMER = "task_consumer"


@dataclass(frozen=True)
class CheckResult:
    key: str
    label: str
    ok: bool
    detail: str
    grade: str = "B"  # of the ticket opened when not ok
    critical: bool = False  # /readyz answers 503 when a critical check fails


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # any driver error means "not ready"; the message says which
        return CheckResult("database", "数据库", False, f"数据库无法访问:{type(exc).__name__}", "A", True)
    return CheckResult("database", "数据库", True, f"{connection.vendor} 可访问", "A", True)


def check_disk() -> CheckResult:
    var = Path(settings.VAR_DIR)
    usage = shutil.disk_usage(var)
    free = usage.free / usage.total * 100 if usage.total else 0.0
    minimum = float(getattr(settings, "ZHENGWU_OPS_DISK_MIN_FREE_PERCENT", 10))
    detail = f"数据目录所在磁盘剩余 {free:.1f}%({usage.free / 2**30:.1f} GB)"
    if free < minimum / 3:
        return CheckResult("disk_space", "磁盘空间", False, detail + ",即将写满", "A", True)
    if free < minimum:
        return CheckResult("disk_space", "磁盘空间", False, detail + f",低于 {minimum:g}%", "B")
    return CheckResult("disk_space", "磁盘空间", True, detail)


def check_consumer(now=None) -> CheckResult:
    now = now or timezone.now()
    limit = timedelta(minutes=int(getattr(settings, "ZHENGWU_OPS_CONSUMER_SILENT_MINUTES", 5)))
    seen = Heartbeat.objects.filter(name=CONSUMER).values_list("seen_at", flat=True).first()
    if seen is None:
        return CheckResult("task_consumer", "任务消费者", False, "从未收到任务消费者的心跳(manage.py run_huey 未运行?)")
    if now - seen > limit:
        minutes = int((now - seen).total_seconds() // 60)
        return CheckResult("task_consumer", "任务消费者", False,
                           f"任务消费者已 {minutes} 分钟没有心跳:通知、索引、巡检和备份都不会执行")
    return CheckResult("task_consumer", "任务消费者", True, f"最近心跳 {timezone.localtime(seen):%H:%M:%S}")


def queue_pending() -> int:
    from huey.contrib.djhuey import HUEY

    return HUEY.pending_count()


def check_queue() -> CheckResult:
    try:
        pending = queue_pending()
    except Exception as exc:  # Redis or the queue file unreachable
        return CheckResult("task_queue", "任务队列", False, f"任务队列无法访问:{type(exc).__name__}", "B")
    limit = int(getattr(settings, "ZHENGWU_OPS_QUEUE_MAX", 1000))
    deferred = DeferredTask.objects.count()
    if deferred:  # queued again by the consumer once the queue answers (zhengwu.core.deferred)
        return CheckResult("task_queue", "任务队列", False,
                           f"{deferred} 个索引更新因任务队列无法访问而等待补排队(排队 {pending} 个)", "B")
    if pending > limit:
        return CheckResult("task_queue", "任务队列", False, f"任务队列积压 {pending} 个(上限 {limit})", "B")
    return CheckResult("task_queue", "任务队列", True, f"排队 {pending} 个")


def backup_age_seconds(now=None) -> float | None:
    backups = backup_list()
    if not backups:
        return None
    newest = backups[-1]
    made = timezone.datetime.fromtimestamp((newest / "manifest.json").stat().st_mtime, tz=timezone.get_default_timezone())
    return ((now or timezone.now()) - made).total_seconds()


def check_backup(now=None) -> CheckResult:
    if not getattr(settings, "ZHENGWU_BACKUP_NIGHTLY", True):
        return CheckResult("backup", "备份", True, "未启用每日自动备份(ZHENGWU_BACKUP_NIGHTLY=false)")
    age = backup_age_seconds(now)
    if age is None:
        return CheckResult("backup", "备份", True, "尚无备份:首次自动备份在每天 01:23")
    if age > 26 * 3600:
        return CheckResult("backup", "备份", False, f"最近一次备份在 {age / 3600:.0f} 小时前:每日备份失败或未执行")
    return CheckResult("backup", "备份", True, f"最近一次备份在 {age / 3600:.1f} 小时前")


def check_calendar(today=None) -> CheckResult:
    today = today or timezone.localdate()
    missing = [y for y in calendar_missing_years(around=today) if y == today.year + 1]
    if today.month == 12 and missing:
        how = "正按法定节假日规则暂定推算" if missing[0] in calendar_provisional_years() else "按周一至周五计算"
        return CheckResult("calendar_next_year", "工作日历", False,
                           f"{missing[0]} 年国务院节假日安排尚未导入,{how}:请在通知发布后导入", "C")
    if today.year in calendar_missing_years(around=today):
        return CheckResult("calendar_next_year", "工作日历", False,
                           f"本年度({today.year})的国务院节假日安排尚未导入", "B")
    return CheckResult("calendar_next_year", "工作日历", True, "本年度安排已导入")


def run_checks() -> list[CheckResult]:
    return [check_database(), check_disk(), check_consumer(), check_queue(), check_backup(), check_calendar()]


def health_sweep(*, checks: list[CheckResult] | None = None) -> list[FaultTicket]:
    """Open a ticket (by itself, source 健康检查) for every failing check; return them."""
    opened = []
    for check in checks if checks is not None else run_checks():
        if check.ok:
            continue
        opened.append(ticket_open(
            actor=None, grade=check.grade, title=f"{check.label}异常", description=check.detail,
            source=FaultTicket.Source.HEALTH, check_key=check.key,
        ))
    return opened
