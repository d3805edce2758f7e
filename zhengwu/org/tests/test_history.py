"""机构沿革 (ADR 0014): name spans, merges, splits and abolitions, the successor rule."""

from datetime import date

import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.catalog.models import Item, ItemDepartmentChange
from zhengwu.catalog.succession import item_department_on
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import Unit, UnitChange
from zhengwu.org.responsibility import acts_for, departments_for, post_holders
from zhengwu.org.roles import Role
from zhengwu.org.selectors import unit_name_on
from zhengwu.org.services.history import unit_abolish, unit_merge, unit_rename, unit_split

from .factories import UnitFactory, grant_post

pytestmark = pytest.mark.django_db

PAST = date(2019, 3, 1)


def dept(code, name):
    return UnitFactory(code=code, name=name, kind=Unit.Kind.DEPARTMENT)


def test_rename_keeps_the_old_name_for_days_before_it():
    gt = dept("GT", "县国土资源局")
    unit_rename(actor=None, unit=gt, name="县自然资源局", effective_on=PAST)
    gt.refresh_from_db()
    assert gt.name == "县自然资源局"
    assert unit_name_on(gt, date(2018, 6, 1)) == "县国土资源局"
    assert unit_name_on(gt, PAST) == "县自然资源局"
    assert unit_name_on(gt.pk, date(2026, 1, 1)) == "县自然资源局"
    assert AuditEvent.objects.filter(action="org.unit_change.apply").count() == 1


def test_a_second_rename_chains_the_spans():
    unit = dept("X", "甲局")
    unit_rename(actor=None, unit=unit, name="乙局", effective_on=date(2015, 1, 1))
    unit_rename(actor=None, unit=unit, name="丙局", effective_on=date(2019, 1, 1))
    assert [unit_name_on(unit, date(y, 6, 1)) for y in (2014, 2016, 2020)] == ["甲局", "乙局", "丙局"]


def test_merge_moves_posts_sections_and_lets_the_successor_act_for_the_old_unit():
    gs, zj, sj = dept("GS", "县工商局"), dept("ZJ", "县质监局"), dept("SJ", "县市场监督管理局")
    section = UnitFactory(code="ZJ-1", name="计量科", kind=Unit.Kind.SECTION, parent=zj)
    old_reviewer = grant_post(StaffFactory(), Role.REVIEWER, unit=zj)
    new_reviewer = grant_post(StaffFactory(), Role.REVIEWER, unit=sj)
    item = ItemFactory(department=gs, implementing_body="县工商局")
    unit_merge(actor=None, units=[gs, zj], into=sj, effective_on=PAST)

    item = Item.objects.get(pk=item.pk)
    assert item.department_id == sj.pk and item.implementing_body == "县市场监督管理局"
    assert item_department_on(item, date(2018, 1, 1)) == gs.pk and item_department_on(item, PAST) == sj.pk
    assert Unit.objects.get(pk=section.pk).parent_id == sj.pk
    assert Unit.objects.filter(pk__in=[gs.pk, zj.pk], is_active=False, successor=sj).count() == 2
    # Anything still filed under an ended unit is answered by the successor's post-holders.
    for person in (old_reviewer, new_reviewer):
        assert acts_for(person, unit_id=zj.pk, roles=[Role.REVIEWER])
        assert {gs.pk, zj.pk, sj.pk} <= departments_for(person, [Role.REVIEWER])
    assert {a.user_id for a in post_holders(unit_id=gs.pk, roles=[Role.REVIEWER])} == {old_reviewer.pk, new_reviewer.pk}


def test_merging_into_a_unit_that_is_merged_later_follows_the_chain():
    a, b, c = dept("A", "甲局"), dept("B", "乙局"), dept("C", "丙局")
    reviewer = grant_post(StaffFactory(), Role.REVIEWER, unit=c)
    unit_merge(actor=None, units=[a], into=b, effective_on=date(2015, 1, 1))
    unit_merge(actor=None, units=[b], into=c, effective_on=date(2019, 1, 1))
    assert Unit.objects.get(pk=a.pk).successor_id == c.pk
    assert acts_for(reviewer, unit_id=a.pk, roles=[Role.REVIEWER])


def test_split_needs_every_item_placed_and_moves_them_as_told():
    old = dept("WT", "县文化广电体育局")
    wh, ty = dept("WH", "县文化和旅游局"), dept("TY", "县体育局")
    show, match = ItemFactory(department=old), ItemFactory(department=old)
    with pytest.raises(ValidationFailed) as err:
        unit_split(actor=None, unit=old, into=[wh, ty], items={show.pk: wh}, residual=wh, effective_on=PAST)
    assert "须逐项指定承接部门" in err.value.message
    unit_split(actor=None, unit=old, into=[wh, ty], items={show.pk: wh, match.pk: ty}, residual=wh, effective_on=PAST)
    assert Item.objects.get(pk=show.pk).department_id == wh.pk
    assert Item.objects.get(pk=match.pk).department_id == ty.pk
    assert Unit.objects.get(pk=old.pk).successor_id == wh.pk
    assert ItemDepartmentChange.objects.count() == 2


def test_abolish_without_receiver_refuses_a_unit_with_items_and_ends_posts_otherwise():
    busy, idle = dept("B1", "县粮食局"), dept("B2", "县档案局")
    ItemFactory(department=busy)
    person = grant_post(StaffFactory(), Role.HANDLER, unit=idle)
    with pytest.raises(ValidationFailed):
        unit_abolish(actor=None, unit=busy, effective_on=PAST)
    unit_abolish(actor=None, unit=idle, effective_on=PAST)
    assert not Unit.objects.get(pk=idle.pk).is_active
    assert not acts_for(person, unit_id=idle.pk)


def test_future_change_waits_and_an_ended_unit_cannot_change_again():
    unit = dept("F", "县甲局")
    change = unit_rename(actor=None, unit=unit, name="县乙局", effective_on=date(2099, 1, 1))
    assert change.status == UnitChange.Status.PLANNED and Unit.objects.get(pk=unit.pk).name == "县甲局"
    with pytest.raises(Conflict):
        unit_rename(actor=None, unit=unit, name="县丙局", effective_on=date(2099, 2, 1))
    other, into = dept("G", "县丁局"), dept("H", "县戊局")
    unit_merge(actor=None, units=[other], into=into, effective_on=PAST)
    with pytest.raises(Conflict):
        unit_rename(actor=None, unit=other, name="县己局", effective_on=PAST)


def test_only_the_system_administrator_changes_units():
    unit = dept("P", "县甲局")
    clerk = grant_post(StaffFactory(), Role.HANDLER, unit=unit)
    with pytest.raises(PermissionDenied):
        unit_rename(actor=clerk, unit=unit, name="县乙局", effective_on=PAST)


def test_history_page_lists_a_units_names_and_changes():
    gt, gh = dept("GT", "县国土资源局"), dept("GH", "县规划局")
    unit_rename(actor=None, unit=gt, name="县自然资源局", effective_on=PAST, basis="县委发〔2019〕5号")
    unit_merge(actor=None, units=[gh], into=gt, effective_on=PAST)
    client = Client()
    login_verified(client, grant_post(StaffFactory(), Role.HANDLER, unit=gt))
    body = client.get("/office/org/history/", {"unit": "GT"}).content.decode()
    assert "县国土资源局" in body and "2019-03-01" in body and "县委发〔2019〕5号" in body and "县规划局" in body
    assert client.get("/office/org/history/").status_code == 200
    assert client.get("/office/org/history/", {"unit": "NOPE"}).status_code == 404
