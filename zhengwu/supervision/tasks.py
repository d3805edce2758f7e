"""Periodic supervision: sweep every running clock each quarter hour."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhengwu.core.periodic import once_per_period

from .services import supervision_sweep


# Once per quarter hour even with a consumer on each application server (ADR 0016).
@db_periodic_task(crontab(minute="*/15"))
@once_per_period("supervision_sweep", 15 * 60)
def supervision_sweep_task():
    return supervision_sweep(actor=None)
