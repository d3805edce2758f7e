"""Daily: apply the institutional changes whose effective date has come (ADR 0014)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services.history import unit_changes_apply_due


@db_periodic_task(crontab(hour="0", minute="7"))
def unit_changes_apply_task():
    return unit_changes_apply_due(actor=None)
