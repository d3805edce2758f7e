"""共享申请 waiting for the providing department's decision on the staff workbench (issue 16 item 5)."""

import datetime as dt

import pytest
from django.utils import timezone

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.models import Clock
from zhengwu.core.tests.workbench import workbench_read
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import services
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

from .helpers import NEXT_YEAR, TODAY

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def _ask(resource, unit, steward, purpose):
    return services.request_submit(actor=steward, unit=unit, resource=resource, purpose=purpose, fields=["bh"],
                                   period_from=TODAY, period_to=NEXT_YEAR, legal_basis="《社会救助暂行办法》")


def _clock(req, *, warn_on, due_on):
    Clock.objects.filter(pk=req.clock_id).update(warn_on=warn_on, due_on=due_on)


def test_pending_requests_to_the_provider_are_counted_on_their_decision_clocks(
        client, civil, civil_resource, civil_steward, edu, edu_steward, office_steward):
    services.config_set(actor=office_steward, provide_first=False)
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    _ask(civil_resource, edu, edu_steward, "刚提交")
    _clock(_ask(civil_resource, edu, edu_steward, "今日到期"), warn_on=today - 2 * day, due_on=today)
    _clock(_ask(civil_resource, edu, edu_steward, "已超期"), warn_on=today - 9 * day, due_on=today - 3 * day)
    decided = _ask(civil_resource, edu, edu_steward, "已审批")
    services.request_decide(actor=civil_steward, request=decided, approve=False, reason="不属于共享范围")

    counts, deadlines, links = workbench_read(client, civil_steward)
    assert counts["exchange"] == (3, 1, 1)
    assert deadlines == [f"共享申请 {edu.name}:{civil_resource.name} 今日到期"]
    assert links["exchange"] == "/office/exchange/"

    # The asking department waits, it has nothing to decide; a non-steward of the
    # provider does not work the exchange and has no such card.
    counts, deadlines, _ = workbench_read(client, edu_steward)
    assert counts["exchange"] == (0, 0, 0) and deadlines == []
    counts, _, _ = workbench_read(client, grant_post(StaffFactory(), Role.HANDLER, unit=civil))
    assert "exchange" not in counts


def _flag(resource, unit, steward, key):
    return services.correction_report(actor=steward, unit=unit, resource=resource, record_key=key,
                                      description="姓名与户籍登记不一致")


def test_open_correction_tickets_about_the_providers_data_are_counted_on_their_clocks(
        client, civil, civil_resource, civil_steward, edu, edu_steward, office_steward):
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    _flag(civil_resource, edu, edu_steward, "M001")
    _clock(_flag(civil_resource, edu, edu_steward, "M002"), warn_on=today - day, due_on=today)
    _clock(_flag(civil_resource, edu, edu_steward, "M003"), warn_on=today - 6 * day, due_on=today - 2 * day)
    answered = _flag(civil_resource, edu, edu_steward, "M004")
    services.correction_answer(actor=civil_steward, ticket=answered, fixed=True, reply="已更正")

    counts, deadlines, links = workbench_read(client, civil_steward)
    assert counts["exchange_corrections"] == (3, 1, 1)
    assert deadlines == [f"数据校核 {civil_resource.name}(记录 M002) 今日到期"]
    assert links["exchange_corrections"] == "/office/exchange/"

    counts, deadlines, _ = workbench_read(client, edu_steward)
    assert counts["exchange_corrections"] == (0, 0, 0) and deadlines == []
    counts, _, _ = workbench_read(client, grant_post(StaffFactory(), Role.HANDLER, unit=civil))
    assert "exchange_corrections" not in counts
