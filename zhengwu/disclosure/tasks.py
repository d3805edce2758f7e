"""Background work of 政务公开: publish scheduled records when their time comes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import disclosure_publish_due


# Every minute, so a record scheduled for 09:00 is public by 09:01 at the latest.
@db_periodic_task(crontab(minute="*"))
def disclosure_publish_due_task():
    return disclosure_publish_due()
