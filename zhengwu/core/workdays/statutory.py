"""Statutory holidays of a year whose State Council arrangement is not yet published.

The 《全国年节及纪念日放假办法》 (as amended in 2024, in force from 2025) fixes the
holidays every citizen has, year after year:

* 元旦 1 day (1 January);
* 春节 4 days: 除夕 and the first three days of the first lunar month;
* 清明节 1 day (the day of the 清明 solar term);
* 劳动节 2 days (1 and 2 May);
* 端午节 1 day (5th day of the 5th lunar month);
* 中秋节 1 day (15th day of the 8th lunar month);
* 国庆节 3 days (1 to 3 October).

Article 6 adds: a holiday of all citizens that falls on a Saturday or Sunday is given
back on a working day (补假). The yearly notice usually bundles that with 调休 (weekend
make-up workdays around the holidays), which no rule can predict. So the provisional
reading, recorded in ``docs/adr/0010-provisional-calendar.md``, is: the statutory days
rest; a statutory day on a weekend gives back the next weekday that is not itself a
holiday or an earlier give-back day; there are no make-up workdays. Every date derived
from it is flagged provisional until the official arrangement is imported.

Lunar dates and the 清明 solar term come from ``lunar_python`` (6tail's lunar, a
maintained astronomical implementation), not from a table we keep.
"""

from __future__ import annotations

from datetime import date, timedelta

from lunar_python import Lunar

# The reading shown to admins on the calendar pages (kept next to the rule it describes).
PROVISIONAL_READING = (
    "尚未公布国务院节假日安排的年度,按《全国年节及纪念日放假办法》推算:元旦 1 天、春节 4 天(除夕至正月初三)、"
    "清明节 1 天、劳动节 2 天、端午节 1 天、中秋节 1 天、国庆节 3 天;法定假日逢周六、周日的,"
    "在其后第一个非假日的工作日补假;不预设调休上班日。所推算的日期均标为“暂定”,"
    "导入正式安排后自动重算在办时限,并列出到期日变动的办件。"
)


def _solar(lunar: Lunar) -> date:
    s = lunar.getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def _qingming(year: int) -> date:
    # The solar-term table of the lunar year that starts in ``year`` holds this year's 清明
    # (early April, always after the lunar new year).
    table = Lunar.fromYmd(year, 3, 1).getJieQiTable()
    s = table["清明"]
    day = date(s.getYear(), s.getMonth(), s.getDay())
    if day.year != year:  # defensive: never seen, but a wrong year would be silent
        raise ValueError(f"清明 of {year} computed as {day}")
    return day


def statutory_holidays(year: int) -> list[tuple[date, str]]:
    """Return the statutory rest days of ``year`` as (date, name), in date order.

    The days themselves, then the give-back days (补假) for those falling on a weekend.
    """
    new_year = Lunar.fromYmd(year, 1, 1)
    spring = [(_solar(new_year.next(-1)), "春节")] + [(_solar(new_year.next(i)), "春节") for i in range(3)]
    days = [
        (date(year, 1, 1), "元旦"),
        *spring,
        (_qingming(year), "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (_solar(Lunar.fromYmd(year, 5, 5)), "端午节"),
        (_solar(Lunar.fromYmd(year, 8, 15)), "中秋节"),
        (date(year, 10, 1), "国庆节"),
        (date(year, 10, 2), "国庆节"),
        (date(year, 10, 3), "国庆节"),
    ]
    # 中秋 can fall on 1–3 October: one rest day then serves both, as in 2020 and 2025.
    rest: dict[date, str] = {}
    for day, name in days:
        if day.year == year:  # 除夕 of a late-January new year is always in the same year
            rest[day] = f"{rest[day]}、{name}" if day in rest and name not in rest[day] else name
    given_back: dict[date, str] = {}
    for day, name in sorted(rest.items()):
        if day.weekday() < 5:
            continue
        candidate = day + timedelta(days=1)
        while candidate.weekday() >= 5 or candidate in rest or candidate in given_back:
            candidate += timedelta(days=1)
        if candidate.year == year:
            given_back[candidate] = f"{name.split('、')[0]}补假"
    merged = {**rest, **given_back}
    return sorted(merged.items())
