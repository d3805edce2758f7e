"""Nightly backup with retention, run by the task consumer."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .backup import backup_create, backup_prune


# 01:23, before the statistics (03:17) and the calendar (02:41) jobs, when offices are closed.
@db_periodic_task(crontab(hour="1", minute="23"))
def backup_nightly_task():
    if not settings.ZHENGWU_BACKUP_NIGHTLY:
        return None
    result = backup_create(actor=None)
    removed = backup_prune(actor=None, keep=settings.ZHENGWU_BACKUP_KEEP)
    return {"path": str(result.path), "problems": result.problems, "removed": [p.name for p in removed]}
