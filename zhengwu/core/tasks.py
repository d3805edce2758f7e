"""Background work of the core app: the WAL checkpointer of the task worker.

``run_huey`` imports every installed app's ``tasks`` module; the hooks below run only in
the consumer (once per worker thread, hence the guard in ``start_checkpointer``), never in
the web processes or the test runner.
"""

from huey.contrib.djhuey import on_shutdown, on_startup

from .wal import start_checkpointer, stop_checkpointer


@on_startup()
def wal_checkpointer_start():
    # The worker is the one process that always runs beside the web workers, so it takes
    # the checkpoints off their COMMITs (no-op on PostgreSQL or when switched off).
    start_checkpointer()


@on_shutdown()
def wal_checkpointer_stop():
    stop_checkpointer()
