"""Background work of the operations desk: heartbeat, health sweep, escalation, nightly backup."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from zhengwu.core.periodic import once_per_period

from .backup import backup_create, backup_prune
from .health import CONSUMER, health_sweep
from .models import FaultTicket
from .services import heartbeat_beat, ticket_open, tickets_escalate


@on_startup()
def heartbeat_on_start():
    heartbeat_beat(name=CONSUMER)


@db_periodic_task(crontab(minute="*"))
def heartbeat_task():
    heartbeat_beat(name=CONSUMER)


@db_periodic_task(crontab(minute="*/5"))
def health_sweep_task():
    return [t.number for t in health_sweep()]


@db_periodic_task(crontab(minute="*/5"))
@once_per_period("ticket_escalation", 5 * 60)  # one escalation event, even with a consumer per server
def ticket_escalation_task():
    return [t.number for t in tickets_escalate()]


# 01:23, before the statistics (03:17) and the calendar (02:41) jobs, when offices are closed.
@db_periodic_task(crontab(hour="1", minute="23"))
@once_per_period("backup_nightly", 3600)  # one backup a night, even with a consumer per server
def backup_nightly_task():
    if not settings.ZHENGWU_BACKUP_NIGHTLY:
        return None
    try:
        result = backup_create(actor=None)
    except Exception as exc:
        # The failure itself is a fault: tell the desk at once rather than at the next check.
        ticket_open(actor=None, grade="B", title="每日备份失败", description=f"{type(exc).__name__}: {exc}"[:4000],
                    source=FaultTicket.Source.HEALTH, check_key="backup")
        raise
    removed = backup_prune(actor=None, keep=settings.ZHENGWU_BACKUP_KEEP)
    return {"path": str(result.path), "problems": result.problems, "removed": [p.name for p in removed]}
