"""SQLite housekeeping: the nightly refresh of the planner statistics, the version guard."""

from datetime import datetime

import pytest
from django.db import connection

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.dbstats import sqlite_statistics_refresh
from zhengwu.core.tasks import sqlite_statistics_task

pytestmark = pytest.mark.django_db


def test_refresh_fills_sqlite_stat1_with_exact_counts():
    CitizenFactory.create_batch(3)

    result = sqlite_statistics_refresh()

    if connection.vendor != "sqlite":  # PostgreSQL: autovacuum keeps the statistics
        assert result == {"refreshed": False}
        return
    assert result["refreshed"] is True and result["tables"] > 50
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'accounts_user' AND idx LIKE 'sqlite_autoindex%'")
        stats = [row[0] for row in cursor.fetchall()]
    # Full, not sampled: the first number is the exact row count (the factory's three
    # citizens and whatever the migrations created).
    assert stats and all(int(stat.split()[0]) == User.objects.count() for stat in stats)


def test_the_task_runs_nightly_and_refreshes():
    assert sqlite_statistics_task.task_class().validate_datetime(datetime(2026, 11, 27, 3, 17))
    assert not sqlite_statistics_task.task_class().validate_datetime(datetime(2026, 11, 27, 15, 17))
    assert sqlite_statistics_task.call_local()["refreshed"] is (connection.vendor == "sqlite")


def test_an_sqlite_older_than_3_35_stops_start_up_with_a_chinese_message():
    from django.core.exceptions import ImproperlyConfigured

    from zhengwu.settings import _check_sqlite_version

    _check_sqlite_version((3, 35, 0), "3.35.0")
    _check_sqlite_version((3, 40, 1), "3.40.1")
    with pytest.raises(ImproperlyConfigured, match=r"SQLite 版本过低\(3\.31\.1\).*3\.35"):
        _check_sqlite_version((3, 31, 1), "3.31.1")


def test_the_command_says_what_it_did():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("db_statistics", stdout=out)
    expected = "已刷新" if connection.vendor == "sqlite" else "autovacuum"
    assert expected in out.getvalue()
