"""Periodic pulling of the site-group feeds: one task per feed.

The round only enqueues; each feed is pulled by its own task, so a dead or slow feed
(at most the fetch timeout) costs one task and never holds up the others, and an
unexpected error in one is recorded on that source (services.feed_source_pull).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import selectors, services


@db_task()
def sitegroup_pull_task(source_id: int) -> str:
    outcome = services.feed_source_pull(source_id=source_id)
    return outcome.describe() if outcome else "已停用或不存在"


@db_periodic_task(crontab(minute="*/30"))
def sitegroup_pull_round_task() -> int:
    ids = selectors.feed_source_ids_to_pull()
    for source_id in ids:
        sitegroup_pull_task(source_id)
    return len(ids)
