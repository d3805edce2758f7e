"""Background work of the exchange: the scheduled pull from front-end processors (前置机)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .ingest import sources_pull_all

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/30"))
def exchange_sources_pull():
    # Each source's counts and errors are kept in its LoadRun; the log says how many ran.
    runs = sources_pull_all()
    logger.info("exchange: pulled %d front-end sources", len(runs))
