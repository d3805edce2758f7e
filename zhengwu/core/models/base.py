from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Accountable(models.Model):
    """Who answers for a row: the department, the post within it and the named person.

    Clocks carry them (their owner names them when starting the clock) and supervision
    alerts copy them, so the sweep raises an alert from the clock alone. Not indexed:
    nothing looks these rows up by them through an index. No database foreign-key
    constraint either: the sweep copies them by the hundred thousand, and PostgreSQL
    checks a deferred constraint with one trigger query per row at COMMIT (seconds at a
    million open steps); the ids come from rows the services have just read, and Django
    applies SET_NULL itself when a unit or user is deleted.
    """

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="责任部门",
        db_index=False, db_constraint=False,
    )
    role = models.CharField("责任岗位", max_length=32, blank=True, default="")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="承办人", db_index=False, db_constraint=False,
    )

    class Meta:
        abstract = True
