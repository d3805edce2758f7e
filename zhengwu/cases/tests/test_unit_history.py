"""机构沿革 with real cases (issue 17, ADR 0014): two departments renamed and merged with an
effective date. Open cases, their clocks and the posts move to the successor, new
applications go to it, and the pages about older cases keep the old names.

County of the test: 县国土资源局 (GT, with an item) and 县城乡规划局 (GH, with an item and a
reviewer). Registered on 30 Sep 2026 to take effect on 9 Oct 2026: GT is renamed
县自然资源局 and GH merged into it. The daily task applies both on 9 Oct.
"""

from datetime import date

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.timetravel import at
from zhengwu.cases.services import case_submit
from zhengwu.catalog.models import Item
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.models import Clock
from zhengwu.org.models import Assignment, Unit, UnitChange
from zhengwu.org.responsibility import acts_for
from zhengwu.org.roles import Role
from zhengwu.org.services.history import unit_changes_apply_due, unit_merge, unit_rename
from zhengwu.org.tests.factories import UnitFactory, grant_post

from .conftest import moment
from .staff_fixtures import client_for, do
from .test_staff_views import page

pytestmark = pytest.mark.django_db

EFFECTIVE = date(2026, 10, 9)


@pytest.fixture
def county(calendar_2026, staff):
    gt = UnitFactory(code="GT", name="县国土资源局", kind=Unit.Kind.DEPARTMENT)
    gh = UnitFactory(code="GH", name="县城乡规划局", kind=Unit.Kind.DEPARTMENT)
    return {
        "gt": gt, "gh": gh,
        "gt_item": ItemFactory(name="建设用地审批", department=gt, promised_limit_days=10, implementing_body="县国土资源局"),
        "gh_item": ItemFactory(name="建设工程规划许可", department=gh, promised_limit_days=10),
        "gt_reviewer": grant_post(StaffFactory(), Role.REVIEWER, unit=gt),
        "gh_reviewer": grant_post(StaffFactory(), Role.REVIEWER, unit=gh),
        "clerk": staff["clerk"],
    }


def _accepted(item, citizen, clerk, day):
    with at(moment(day.year, day.month, day.day)):
        case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        return do(case, clerk, "accept")


def _reform(county):
    with at(moment(2026, 9, 30)):
        rename = unit_rename(actor=None, unit=county["gt"], name="县自然资源局", effective_on=EFFECTIVE,
                             basis="县委办〔2026〕1号")
        merge = unit_merge(actor=None, units=[county["gh"]], into=county["gt"], effective_on=EFFECTIVE)
    return rename, merge


def test_a_dated_rename_and_merge_wait_for_their_day(county, citizen):
    rename, merge = _reform(county)
    assert {rename.status, merge.status} == {UnitChange.Status.PLANNED}
    county["gh"].refresh_from_db()
    assert county["gh"].is_active and Item.objects.get(pk=county["gh_item"].pk).department_id == county["gh"].pk
    assert unit_changes_apply_due(today=date(2026, 10, 8)) == 0
    assert unit_changes_apply_due(today=EFFECTIVE) == 2
    assert UnitChange.objects.filter(status=UnitChange.Status.APPLIED).count() == 2


def test_open_cases_clocks_and_posts_move_to_the_successor(county, citizen):
    gt, gh = county["gt"], county["gh"]
    case = _accepted(county["gh_item"], citizen, county["clerk"], date(2026, 9, 28))
    assert case.step_clock.unit_id == gh.pk and not acts_for(county["gt_reviewer"], unit_id=gh.pk)
    _reform(county)
    unit_changes_apply_due(today=EFFECTIVE)

    gt.refresh_from_db()
    gh.refresh_from_db()
    assert gt.name == "县自然资源局" and gt.is_active
    assert not gh.is_active and gh.successor_id == gt.pk
    assert Item.objects.get(pk=county["gh_item"].pk).department_id == gt.pk
    assert Item.objects.get(pk=county["gt_item"].pk).implementing_body == "县自然资源局"
    # The running clocks (case and step) now name the successor.
    case.refresh_from_db()
    assert Clock.objects.get(pk=case.step_clock_id).unit_id == gt.pk
    assert Clock.objects.get(pk=case.clock_id).unit_id == gt.pk
    # The merged department's reviewer now holds the post in the successor.
    assert list(Assignment.objects.filter(user=county["gh_reviewer"]).values_list("unit_id", "role")) == [
        (gt.pk, Role.REVIEWER)]
    # The successor's own reviewer sees the case and acts on it.
    client = client_for(county["gt_reviewer"])
    assert client.get(page(case)).status_code == 200
    with at(moment(2026, 10, 9)):
        case = do(case, county["gt_reviewer"], "review_pass", reason="符合条件")
    assert case.step_index == 2


def test_new_applications_go_to_the_successor(county, citizen):
    _reform(county)
    unit_changes_apply_due(today=EFFECTIVE)
    case = _accepted(county["gh_item"], citizen, county["clerk"], date(2026, 10, 12))
    assert case.item.department_id == county["gt"].pk
    assert Clock.objects.get(pk=case.step_clock_id).unit_id == county["gt"].pk


def test_pages_about_older_cases_show_the_old_names(county, citizen):
    old_gh = _accepted(county["gh_item"], citizen, county["clerk"], date(2026, 9, 28))
    old_gt = _accepted(county["gt_item"], citizen, county["clerk"], date(2026, 9, 29))
    _reform(county)
    unit_changes_apply_due(today=EFFECTIVE)
    new = _accepted(county["gh_item"], citizen, county["clerk"], date(2026, 10, 12))

    client = client_for(county["gt_reviewer"])
    assert "<td>县城乡规划局</td>" in client.get(page(old_gh)).content.decode()
    assert "<td>县国土资源局</td>" in client.get(page(old_gt)).content.decode()
    assert "<td>县自然资源局</td>" in client.get(page(new)).content.decode()
