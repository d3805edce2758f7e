"""Task calls that could not be queued (Redis unreachable), kept until the queue is back."""

from django.db import models


class DeferredTask(models.Model):
    """One background call whose enqueue failed after its transaction had committed.

    The data it works on is already saved and acknowledged; only the follow-up (an index
    update) waits. ``zhengwu.core.deferred`` writes and replays these rows (ADR 0017).
    """

    kind = models.CharField("任务类型", max_length=64)
    args = models.JSONField("参数", default=list)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    attempts = models.PositiveIntegerField("重试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "待补排队的后台任务"
        verbose_name_plural = "待补排队的后台任务"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind}{self.args}"
