"""Periodic supervision: sweep every running clock each quarter hour."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import supervision_sweep


@db_periodic_task(crontab(minute="*/15"))
def supervision_sweep_task():
    return supervision_sweep(actor=None)
