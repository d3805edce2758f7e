"""What the routing suggestion learns from: each triage clerk's routing decision."""

from django.conf import settings
from django.db import models


class RoutingDecision(models.Model):
    """One triage decision: what was suggested for a letter and which department the clerk chose.

    Rows are only ever added. They feed two things: the accuracy figures (did the clerk
    follow the top-1 / any top-3 suggestion) and the learned part of the routing model
    (the chosen department's profile takes the letter's terms). ``letter_id`` is a plain
    number, not a foreign key, so routing sits below letters and does not depend on it.
    """

    letter_id = models.PositiveBigIntegerField("信件", db_index=True)
    suggested_codes = models.JSONField("建议部门代码", default=list)
    chosen_code = models.CharField("选定部门代码", max_length=32)
    chosen_department = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="选定部门",
    )
    followed_top1 = models.BooleanField("采纳首选建议")
    followed_top3 = models.BooleanField("采纳前三建议之一")
    # The letter's terms at decision time: the model learns from these without reading letters.
    terms = models.JSONField("学习词语", default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="分办人",
    )
    decided_at = models.DateTimeField("分办时间", db_index=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "分办决定"
        verbose_name_plural = "分办决定"

    def __str__(self):
        return f"信件{self.letter_id} → {self.chosen_code}"
