"""The working-day calendar: fast lookups for every clock, and the services that load it.

Public interface (import from here, not from the submodules)::

    is_workday(d) -> bool
    add_working_days(start, n) -> Deadline(due, calendar_complete)
    working_days_between(start, end) -> WorkdayCount(days, calendar_complete)
    calendar_coverage() -> (first_year, last_year) | None
    calendar_missing_years(around=...) -> [year, ...]   (no official arrangement: absent or provisional)
    calendar_provisional_years() -> [year, ...]         (estimated from the statutory holiday rules)
    calendar_seed_from_package / calendar_import_year / calendar_day_set /
    calendar_fill_provisional                                              (audited writes)
    statutory_holidays(year) -> [(date, name), ...]
    parse_arrangement_text(text, year=...)                                 (admin file format)
"""

from .lookup import (
    Deadline,
    WorkdayCount,
    add_working_days,
    calendar_cache_clear,
    calendar_coverage,
    calendar_missing_years,
    calendar_provisional_years,
    is_workday,
    working_days_between,
)
from .services import (
    MAX_YEAR,
    MIN_YEAR,
    PROVISIONAL_YEARS_AHEAD,
    SeedResult,
    YearImport,
    calendar_day_set,
    calendar_fill_provisional,
    calendar_import_year,
    calendar_seed_from_package,
    moved_clock_lines,
    package_years,
)
from .statutory import PROVISIONAL_READING, statutory_holidays
from .text_format import Arrangement, parse_arrangement_text

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "PROVISIONAL_READING",
    "PROVISIONAL_YEARS_AHEAD",
    "Arrangement",
    "Deadline",
    "SeedResult",
    "YearImport",
    "WorkdayCount",
    "add_working_days",
    "calendar_cache_clear",
    "calendar_coverage",
    "calendar_day_set",
    "calendar_fill_provisional",
    "calendar_import_year",
    "calendar_missing_years",
    "calendar_provisional_years",
    "calendar_seed_from_package",
    "is_workday",
    "moved_clock_lines",
    "package_years",
    "parse_arrangement_text",
    "statutory_holidays",
    "working_days_between",
]
