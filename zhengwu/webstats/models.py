"""访问统计: page views per day, counted without personal data.

Only counters: which public page (by resolved URL name and the object key from the
URL), which day, and which external site the visitor came from (its host name only).
There is deliberately no column for an IP address, user, session, user agent, full
referrer URL or query string; a test inspects the columns to keep it so.
"""

from django.db import models


class PageKind(models.TextChoices):
    ITEM = "item", "事项"
    COLUMN = "column", "栏目"
    DEPARTMENT = "department", "部门"
    DISCLOSURE = "disclosure", "政府信息"
    PAGE = "page", "其他页面"


class PageViewDaily(models.Model):
    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=PageKind.choices)
    url_name = models.CharField("页面", max_length=100)  # "namespace:name" of the resolved URL
    object_key = models.CharField("对象", max_length=100, blank=True)  # item code, department code, id ...
    views = models.PositiveBigIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = "页面浏览统计"
        verbose_name_plural = "页面浏览统计"
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "url_name", "object_key"], name="webstats_pageview_day_key"),
        ]
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self):
        return f"{self.day} {self.url_name} {self.object_key} {self.views}"


class ReferrerDaily(models.Model):
    day = models.DateField("日期")
    domain = models.CharField("来源网站", max_length=253)  # host name only: no path, no query
    views = models.PositiveBigIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = "来源网站统计"
        verbose_name_plural = "来源网站统计"
        constraints = [models.UniqueConstraint(fields=["day", "domain"], name="webstats_referrer_day_domain")]

    def __str__(self):
        return f"{self.day} {self.domain} {self.views}"
