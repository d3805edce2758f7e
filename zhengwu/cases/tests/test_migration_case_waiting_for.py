"""cases 0005 fills the ``waiting_*`` columns of cases opened before they existed."""

import importlib

import pytest
from django.apps import apps

from zhengwu.cases.models import Case
from zhengwu.cases.services import case_act, case_submit

pytestmark = pytest.mark.django_db

fill = importlib.import_module("zhengwu.cases.migrations.0005_case_waiting_for").fill


def test_cases_get_the_post_unit_and_colleague_their_step_waits_for(item, citizen, staff, on_2026_09_24):
    at_window = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    transferred = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    case_act(actor=staff["clerk"], case=transferred, action="accept", expected_version=transferred.version)
    case_act(actor=staff["reviewer"], case=transferred, action="transfer", expected_version=transferred.version,
             reason="出差", payload={"to_user_id": staff["reviewer2"].pk})
    Case.objects.update(waiting_role="", waiting_unit=None, waiting_handler=None)  # as before the columns

    fill(apps, None)

    def waiting(case):
        return Case.objects.filter(pk=case.pk).values_list("waiting_role", "waiting_unit_id", "waiting_handler_id").get()

    assert waiting(at_window) == ("window_clerk", None, None)
    assert waiting(transferred) == ("reviewer", item.department_id, staff["reviewer2"].pk)
