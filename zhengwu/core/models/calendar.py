"""The working-day calendar: one row per date, for every year with a loaded arrangement.

``workday_ordinal`` is the number of working days from the calendar's first date up to
and including this date, so deadline arithmetic is two indexed lookups, not a loop.
"""

from django.db import models


class CalendarYear(models.Model):
    class Source(models.TextChoices):
        PACKAGE = "chinesecalendar", "chinesecalendar 数据包"
        FILE = "file", "文件导入"
        FORM = "form", "管理员录入"
        # Derived from the national holiday rules until the State Council's notice is
        # imported (zhengwu.core.workdays.statutory); never an official arrangement.
        PROVISIONAL = "provisional", "按法定节假日规则推算(暂定)"

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=32, choices=Source.choices)
    notice = models.CharField("国务院通知文号", max_length=200, blank=True)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"

    def __str__(self):
        return f"{self.year}年"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        WORKDAY = "workday", "工作日"
        WEEKEND = "weekend", "周末"
        HOLIDAY = "holiday", "法定节假日"
        MAKEUP = "makeup", "调休上班"

    date = models.DateField("日期", primary_key=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    is_workday = models.BooleanField("是否工作日")
    workday_ordinal = models.PositiveIntegerField("工作日序号", db_index=True)
    note = models.CharField("说明", max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "日历日"
        verbose_name_plural = "日历日"

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class CalendarVersion(models.Model):
    """One row whose token changes with every calendar change.

    Each process keeps the calendar in memory (see ``zhengwu.core.workdays``) and
    re-reads only this token every few seconds to learn whether to reload. A random
    token rather than a counter, so a rolled-back change can never leave two different
    calendars behind the same version.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "日历版本"
        verbose_name_plural = "日历版本"
