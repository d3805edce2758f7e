"""cases 0003 fills who answers for the clocks of cases opened before the columns existed."""

import importlib

import pytest
from django.apps import apps

from zhengwu.cases.services import case_act, case_submit
from zhengwu.core.models import Clock

pytestmark = pytest.mark.django_db

fill = importlib.import_module("zhengwu.cases.migrations.0003_clock_responsibility").fill


def test_open_cases_get_department_post_and_handler_on_their_clocks(item, citizen, staff, on_2026_09_24):
    running = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    case_act(actor=staff["clerk"], case=running, action="accept", expected_version=running.version)
    case_act(actor=staff["reviewer"], case=running, action="transfer", expected_version=running.version,
             reason="出差", payload={"to_user_id": staff["reviewer2"].pk})
    refused = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    case_act(actor=staff["clerk"], case=refused, action="refuse", expected_version=refused.version,
             reason="不属于本部门受理范围")
    Clock.objects.update(unit=None, role="", handler=None)  # as before the columns were filled

    fill(apps, None)

    def answers(clock_id):
        return Clock.objects.filter(pk=clock_id).values_list("unit_id", "role", "handler_id").get()

    dept = item.department_id
    assert answers(running.clock_id) == (dept, "", None)
    assert answers(running.step_clock_id) == (dept, "reviewer", staff["reviewer2"].pk)
    assert answers(refused.step_clock_id) == (None, "", None)  # closed cases are left alone
