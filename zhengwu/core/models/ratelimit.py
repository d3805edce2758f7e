"""Fixed-window rate counters, written only by ``zhengwu.core.ratelimit``."""

from django.db import models


class RateCounter(models.Model):
    """How many attempts one key made in one fixed window.

    Lives in the database, not the cache, because the database is the one store every
    web worker shares in every deployment (the embedded cache is per process). Windows
    are stored as Unix seconds: the upsert in ``ratelimit_hit`` passes them as plain
    integers, with no timezone conversion between Python, SQLite and PostgreSQL.
    """

    key = models.CharField("限流键", max_length=200)
    window_start = models.BigIntegerField("窗口开始(Unix 秒)")
    window_end = models.BigIntegerField("窗口结束(Unix 秒)")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"
        constraints = [
            # The conflict target of the upsert. The end is part of it so that the same key
            # counted over windows of different lengths never shares a row.
            models.UniqueConstraint(fields=["key", "window_start", "window_end"], name="core_ratecounter_window"),
        ]
        indexes = [models.Index(fields=["window_end"], name="core_ratecounter_end")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"
