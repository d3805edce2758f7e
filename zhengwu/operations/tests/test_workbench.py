"""Live fault tickets on the operations staff's workbench (issue 16 item 5)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.tests.workbench import workbench_read
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.operations import services
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning


def test_live_tickets_are_counted_by_their_running_limit(client):
    calendar_seed_from_package(actor=None)
    operator = grant_post(StaffFactory(), Role.OPERATOR)
    with time_machine.travel(NOW, tick=False):
        # Grade A opened yesterday: its half-hour response limit has long passed.
        late = services.ticket_open(actor=operator, grade="A", title="门户无法访问", at=NOW - dt.timedelta(hours=25))
        # Grade B opened half an hour ago: its 2-hour response limit ends later today.
        soon = services.ticket_open(actor=operator, grade="B", title="检索结果不全", at=NOW - dt.timedelta(minutes=30))
        # Grade C, already being handled: its 24-hour repair limit ends on a later day.
        calm = services.ticket_open(actor=operator, grade="C", title="页脚错别字", at=NOW - dt.timedelta(minutes=15))
        services.ticket_respond(actor=operator, ticket=calm, at=NOW - dt.timedelta(minutes=10))
        done = services.ticket_open(actor=operator, grade="C", title="已修复的问题", at=NOW - dt.timedelta(minutes=20))
        services.ticket_resolve(actor=operator, ticket=done, note="重启服务后恢复", at=NOW - dt.timedelta(minutes=5))
        assert late.response_due_at < NOW < soon.response_due_at

        counts, deadlines, links = workbench_read(client, operator)
        assert counts["operations"] == (3, 1, 1)
        assert deadlines == [f"故障工单 {soon.number} 检索结果不全 今日到期"]
        assert links["operations"] == "/office/operations/"

        counts, _, _ = workbench_read(client, grant_post(StaffFactory(), Role.HANDLER))
        assert "operations" not in counts
