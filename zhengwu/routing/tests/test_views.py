"""The /office/routing/ accuracy dashboard: monthly figures from decision records, access."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post
from zhengwu.routing import selectors
from zhengwu.routing.models import RoutingDecision
from zhengwu.routing.services import routing_decision_record

pytestmark = pytest.mark.django_db


def _decide(letter_id, suggested, chosen, when):
    decision = routing_decision_record(actor=None, letter_id=letter_id, suggested_codes=suggested,
                                       chosen_code=chosen, text="")
    RoutingDecision.objects.filter(pk=decision.pk).update(decided_at=when)


@pytest.fixture
def decisions(small_county):
    tz = timezone.get_current_timezone()
    march = dt.datetime(2026, 3, 10, 9, tzinfo=tz)
    # Shanghai 1 April 00:30 is still 31 March in UTC: it must count for April.
    april_edge = dt.datetime(2026, 4, 1, 0, 30, tzinfo=tz)
    _decide(1, ["R-ENV", "R-POL"], "R-ENV", march)  # top-1
    _decide(2, ["R-ENV", "R-POL"], "R-POL", march)  # top-3
    _decide(3, ["R-ENV"], "R-CUL", march)  # missed
    _decide(4, [], "R-CUL", march)  # no suggestion
    _decide(5, ["R-POL"], "R-POL", april_edge)


def test_accuracy_by_month_in_local_time(decisions):
    rows = selectors.decision_accuracy_by_month()
    assert [(r["label"], r["total"], r["top1"], r["top3"], r["unsuggested"]) for r in rows] == [
        ("2026-03", 4, 1, 2, 1),
        ("2026-04", 1, 1, 1, 0),
    ]
    assert rows[0]["top1_rate"] == 25.0 and rows[0]["top3_rate"] == 50.0


def test_accuracy_total_and_by_department(decisions):
    total = selectors.decision_accuracy_total()
    assert (total["total"], total["top1"], total["top3"]) == (5, 2, 3)
    by_dept = {r["label"]: r for r in selectors.decision_accuracy_by_department()}
    assert by_dept["县公安局"]["total"] == 2 and by_dept["县公安局"]["top1_rate"] == 50.0
    assert by_dept["县文化局"]["top3_rate"] == 0.0


def test_dashboard_queries_do_not_grow_with_decisions(decisions, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        selectors.decision_accuracy_by_month()
        selectors.decision_accuracy_total()
        selectors.decision_accuracy_by_department()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SUPERVISOR, Role.LETTER_CLERK])
def test_dashboard_shows_the_figures_to_its_roles(decisions, role):
    user = grant_post(StaffFactory(), role)
    client = Client()
    login_verified(client, user)
    response = client.get(reverse("routing:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-03" in html and "25.0%" in html and "县公安局" in html
    assert 'id="routing-data"' in html  # chart data through json_script, no inline script


def test_dashboard_refuses_other_staff(decisions):
    client = Client()
    login_verified(client, grant_post(StaffFactory(), Role.HANDLER))
    assert client.get(reverse("routing:dashboard")).status_code == 403


def test_empty_dashboard_says_so(small_county):
    client = Client()
    login_verified(client, grant_post(StaffFactory(), Role.SUPERVISOR))
    html = client.get(reverse("routing:dashboard")).content.decode()
    assert "暂无分办记录" in html
