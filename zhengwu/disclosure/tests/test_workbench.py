"""The publishers' review queue on the staff workbench (issue 16 item 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengwu.core.tests.workbench import workbench_read
from zhengwu.core.workdays import add_working_days, calendar_seed_from_package
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column, Disclosure

# A Wednesday, a working day in the official calendar.
WEDNESDAY = dt.datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _pending(editor, dept, title, written_on=None):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title=title, written_on=written_on,
                                       body_html="正文。")
    return services.disclosure_submit(actor=editor, disclosure=row)


@pytest.mark.django_db
def test_review_queue_counts_pending_records_against_the_20_day_publication_limit(
        client, editor, publisher, other_publisher, dept):
    calendar_seed_from_package(actor=None)
    with time_machine.travel(WEDNESDAY, tick=False):
        today = WEDNESDAY.date()
        # Formed on the day whose 20-working-day limit ends today: in warning, due today.
        formed_due_today = next(
            d for d in (today - dt.timedelta(days=n) for n in range(20, 60)) if add_working_days(d, 20).due == today)
        _pending(editor, dept, "今日到期的公开信息", written_on=formed_due_today)
        _pending(editor, dept, "刚形成的公开信息")  # no 成文日期: timed from today's entry
        late = _pending(editor, dept, "早已超期的公开信息")
        # No 成文日期 and entered two months ago: the entry day is its formation.
        Disclosure.objects.filter(pk=late.pk).update(created_at=WEDNESDAY - dt.timedelta(days=60))
        services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="草稿不计",
                                   written_on=today - dt.timedelta(days=90))

        counts, deadlines, links = workbench_read(client, publisher)
        assert counts["disclosure"] == (3, 1, 1)
        assert deadlines == ["待审核公开信息 今日到期的公开信息 今日到期"]
        assert links["disclosure"] == "/office/disclosure/review/"

        # Another department's publisher has the module but none of this work; an editor
        # (who cannot publish) is not shown the review queue at all.
        counts, deadlines, _ = workbench_read(client, other_publisher)
        assert counts["disclosure"] == (0, 0, 0) and deadlines == []
        counts, _, _ = workbench_read(client, editor)
        assert "disclosure" not in counts


@pytest.mark.django_db
def test_nothing_falls_due_on_a_rest_day(client, editor, publisher, dept):
    calendar_seed_from_package(actor=None)
    saturday = WEDNESDAY + dt.timedelta(days=3)
    with time_machine.travel(saturday, tick=False):
        _pending(editor, dept, "周末待审核", written_on=saturday.date() - dt.timedelta(days=28))
        counts, deadlines, _ = workbench_read(client, publisher)
        assert counts["disclosure"][0] == 1 and deadlines == []
