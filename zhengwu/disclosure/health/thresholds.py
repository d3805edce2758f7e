"""Thresholds of the national government website inspection (国办《政府网站发展指引》and
the 全国政府网站抽查 scoring rules), all in one place so a county can see and adjust them.

A column is *stale* (栏目不更新) when its newest record is older than its threshold; it
is *empty* (空白栏目) when it has no published record at all. The home page is stale
when nothing at all was published within HOMEPAGE_STALE_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Column


@dataclass(frozen=True)
class Threshold:
    days: int = 0
    months: int = 0

    @property
    def label(self) -> str:
        return f"{self.months} 个月" if self.months else f"{self.days} 天"


# 动态、要闻类栏目: 2 weeks; 通知公告、政策文件类栏目: 6 months.
COLUMN_STALE: dict[str, Threshold] = {
    Column.NEWS: Threshold(days=14),
    Column.NOTICE: Threshold(months=6),
    Column.POLICY: Threshold(months=6),
}
# 首页: 2 weeks without any new record counts as "not updated" (单项否决).
HOMEPAGE_STALE = Threshold(days=14)
# Every column listed on the site must have content (空白栏目 is a fault).
COLUMNS_MUST_HAVE_CONTENT = tuple(Column)

# External link check (manage.py disclosure_check_links): short, so a dead site cannot stall the run.
EXTERNAL_LINK_TIMEOUT_SECONDS = 5.0
EXTERNAL_LINK_MAX_PER_RUN = 500
