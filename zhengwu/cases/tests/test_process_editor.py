"""The flowchart editor at /office/cases/processes/: system administrators publish new versions.

The rules live in ``services.process_definition_publish``; the page shows its Chinese
refusals, reorders/adds/removes steps without saving, and running cases keep their version.
"""

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.cases.models import Case, ProcessDefinition
from zhengwu.core.models import AuditEvent
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

from .staff_fixtures import client_for, do, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return grant_post(StaffFactory(username="xitong"), Role.SYSTEM_ADMIN)


def edit_url(item):
    return reverse("cases_staff:process_edit", kwargs={"code": item.code})


def form_of(steps, **extra):
    """The POST the page sends for ``steps`` (each a dict like the definition's)."""
    data = {"count": str(len(steps)), "op": "publish"}
    for i, s in enumerate(steps):
        p = f"s{i}-"
        data.update({
            p + "key": s["key"], p + "name": s["name"], p + "role": s["role"],
            p + "limit_days": str(s["limit_days"]), p + "warn_days": str(s["warn_days"]),
            p + "outcomes": list(s["outcomes"]),
        })
        if s.get("stops_clock"):
            data[p + "stops_clock"] = "on"
    data.update(extra)
    return data


def with_expert_review(steps):
    """The default four steps plus a 专家评审 step (not counted in the limit) after 审查."""
    expert = {"key": "expert", "name": "专家评审", "role": "reviewer", "limit_days": 3, "warn_days": 1,
              "outcomes": ["review_pass", "return"], "stops_clock": True}
    return [steps[0], steps[1], expert, *steps[2:]]


def test_only_system_administrators_open_the_editor(item, admin, staff):
    assert client_for(staff["reviewer"]).get(reverse("cases_staff:process_list")).status_code == 403
    assert client_for(staff["reviewer"]).get(edit_url(item)).status_code == 403
    listing = client_for(admin).get(reverse("cases_staff:process_list"), {"q": item.name})
    assert listing.status_code == 200 and item.name in listing.content.decode() and "默认流程(未保存)" in listing.content.decode()


def test_edit_page_starts_from_the_default_flowchart(item, admin):
    html = client_for(admin).get(edit_url(item)).content.decode()
    for name in ("受理", "审查", "审批", "办结"):
        assert f'value="{name}"' in html
    assert html.count('class="process-step') == 4
    assert ProcessDefinition.objects.filter(item=item).count() == 0  # a GET writes nothing


def test_publishing_creates_a_version_and_running_cases_keep_theirs(item, admin, staff, citizen, on_2026_09_24):
    from zhengwu.cases.services import default_steps_for

    # Given a running case on the default version 1,
    running = submit(item, citizen)
    assert running.definition.version == 1
    # when the administrator inserts a 专家评审 step and publishes,
    client = client_for(admin)
    response = client.post(edit_url(item), form_of(with_expert_review(default_steps_for(item))))

    # then version 2 is current, audited, and the page says so,
    assert response.status_code == 302
    current = ProcessDefinition.objects.get(item=item, is_current=True)
    assert current.version == 2 and [s["key"] for s in current.steps] == ["accept", "review", "expert", "approve", "conclude"]
    assert current.steps[2]["stops_clock"] is True and current.created_by == admin
    assert AuditEvent.objects.filter(action="cases.process.publish", actor=admin).count() == 1
    page = client.get(edit_url(item)).content.decode()
    assert "已发布第 2 版办理流程" in page and 'data-version="1"' in page
    # the running case still goes 审查 → 审批 on version 1,
    case = do(do(running, staff["clerk"], "accept"), staff["reviewer"], "review_pass")
    case = Case.objects.get(pk=case.pk)
    assert (case.definition.version, case.current_step["key"]) == (1, "approve")
    # and a new case follows version 2.
    newer = submit(item, citizen)
    newer = do(do(newer, staff["clerk"], "accept"), staff["reviewer"], "review_pass")
    assert (newer.definition.version, Case.objects.get(pk=newer.pk).current_step["key"]) == (2, "expert")


def test_version_table_counts_the_cases_still_running_on_each_version(item, admin, citizen, on_2026_09_24):
    from zhengwu.cases.services import default_steps_for

    submit(item, citizen)
    client_for(admin).post(edit_url(item), form_of(default_steps_for(item)))
    html = client_for(admin).get(edit_url(item)).content.decode()
    row_v1 = html[html.index('data-version="1"'):]
    row_v1 = row_v1[: row_v1.index("</tr>")]
    assert '<td class="num">1</td><td class="num">1</td>' in row_v1


@pytest.mark.parametrize("mutate, message", [
    (lambda s: s[1].update(limit_days=30), "超过法定办结时限 20 个工作日"),
    (lambda s: s[1].update(limit_days="三"), "第2个环节的时限须填写 0 到 365 之间的整数"),
    (lambda s: s[1].update(limit_days="²"), "第2个环节的时限须填写"),
    (lambda s: s[0].update(warn_days=5), "第1个环节的预警阈值不能大于时限"),
    (lambda s: s[2].update(role="astronaut"), "岗位“astronaut”不存在"),
    (lambda s: s[2].update(name=""), "第3个环节须填写名称"),
    (lambda s: s[2].update(name="审\x00批"), "控制字符"),
    (lambda s: s[1].update(key="Review!"), "环节的标识应为小写英文字母开头"),
    (lambda s: s[1].update(key="accept"), "环节标识“accept”重复"),
    (lambda s: s[3].update(outcomes=["return"]), "最后一个环节必须能够办结"),
    (lambda s: s[0].update(outcomes=[]), "至少需要一个办理结果"),
])
def test_invalid_flowcharts_are_refused_in_chinese_next_to_the_step(item, admin, mutate, message):
    from zhengwu.cases.services import default_steps_for

    steps = default_steps_for(item)
    mutate(steps)
    response = client_for(admin).post(edit_url(item), form_of(steps))

    html = response.content.decode()
    assert response.status_code == 400 and message in html and "data-error" in html
    assert ProcessDefinition.objects.filter(item=item).count() == 0


def test_the_step_a_refusal_names_is_highlighted(item, admin):
    from zhengwu.cases.services import default_steps_for

    steps = default_steps_for(item)
    steps[2]["role"] = "astronaut"
    html = client_for(admin).post(edit_url(item), form_of(steps)).content.decode()
    assert 'class="process-step has-error" data-step="3"' in html


def test_move_add_and_remove_change_the_form_without_publishing(item, admin):
    from zhengwu.cases.services import default_steps_for

    client = client_for(admin)
    steps = default_steps_for(item)

    moved = client.post(edit_url(item), form_of(steps, op="up:1")).content.decode()
    assert moved.index('value="审查"') < moved.index('value="受理"')
    added = client.post(edit_url(item), form_of(steps, op="add")).content.decode()
    assert added.count('class="process-step') == 5 and 'value="step5"' in added
    removed = client.post(edit_url(item), form_of(steps, op="remove:2")).content.decode()
    assert removed.count('class="process-step') == 3 and 'value="审批"' not in removed
    last = client.post(edit_url(item), form_of(steps[:1], op="remove:0"))
    assert last.status_code == 400 and "至少需要一个环节" in last.content.decode()
    assert ProcessDefinition.objects.filter(item=item).count() == 0


@pytest.mark.parametrize("data", [
    {},
    {"count": "999999", "op": "publish"},
    {"count": "-3"},
    {"count": "x", "op": "up:7"},
    {"count": "1", "op": "down:abc", "s0-name": "受理"},
    {"count": "1", "op": "publish", "s0-key": "a" * 5000, "s0-name": "名" * 5000, "s0-role": "\x00", "s0-limit_days": "1e9"},
])
def test_garbage_posts_get_a_chinese_400_not_a_500(item, admin, data):
    response = client_for(admin).post(edit_url(item), data)
    assert response.status_code == 400 and "data-error" in response.content.decode()
    assert ProcessDefinition.objects.filter(item=item).count() == 0


def test_unknown_or_disclosure_items_are_404(admin, db):
    from zhengwu.catalog.models import Category
    from zhengwu.catalog.tests.factories import ItemFactory

    disclosure = ItemFactory(category=Category.DISCLOSURE)
    client = client_for(admin)
    assert client.get(reverse("cases_staff:process_edit", kwargs={"code": "NOPE"})).status_code == 404
    assert client.get(reverse("cases_staff:process_edit", kwargs={"code": disclosure.code})).status_code == 404


def test_a_step_may_name_another_department_whose_posts_then_handle_it(django_user_model):
    """A joint-review step handled by another department: its posts act there, not the item's."""
    from zhengwu.accounts.tests.factories import StaffFactory
    from zhengwu.cases import engine
    from zhengwu.cases.services import case_act, case_submit, process_definition_publish
    from zhengwu.catalog.services import catalog_load
    from zhengwu.core.errors import PermissionDenied, ValidationFailed
    from zhengwu.accounts.tests.factories import CitizenFactory
    from zhengwu.catalog.models import Item
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role

    catalog_load(actor=None)
    county = org_services.unit_create(actor=None, code="JD", name="示例县", kind=Unit.Kind.COUNTY)
    own = org_services.unit_create(actor=None, code="JD-A", name="县甲局", kind=Unit.Kind.DEPARTMENT, parent=county)
    other = org_services.unit_create(actor=None, code="JD-B", name="县乙局", kind=Unit.Kind.DEPARTMENT, parent=county)
    item = Item.objects.get(code="QL017")
    item.department = own
    item.save(update_fields=["department"])
    steps = [
        {"key": "review", "name": "联合审查", "role": "reviewer", "limit_days": 2, "warn_days": 1,
         "outcomes": ["review_pass", "return"], "department": "JD-B"},
        {"key": "conclude", "name": "办结", "role": "handler", "limit_days": 1, "warn_days": 0,
         "outcomes": ["conclude"]},
    ]
    with pytest.raises(ValidationFailed, match="不存在"):
        process_definition_publish(actor=None, item=item, steps=[{**steps[0], "department": "NOPE"}, steps[1]])
    definition = process_definition_publish(actor=None, item=item, steps=steps)
    assert definition.steps[0]["department"] == "JD-B" and definition.steps[0]["department_id"] == other.pk

    own_reviewer, other_reviewer = StaffFactory(), StaffFactory()
    org_services.assignment_grant(actor=None, user=own_reviewer, unit=own, role=Role.REVIEWER)
    org_services.assignment_grant(actor=None, user=other_reviewer, unit=other, role=Role.REVIEWER)
    applicant = CitizenFactory()
    case = case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
    with pytest.raises(PermissionDenied):
        case_act(actor=own_reviewer, case=case, action="review_pass", expected_version=case.version)
    case = case_act(actor=other_reviewer, case=case, action="review_pass", expected_version=case.version)
    assert case.step_index == 1 and case.status == engine.RUNNING
