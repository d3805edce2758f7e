"""Service guides (issue 16): classification by the loader, browse filters, completeness."""

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import Item, LifeEvent, OnlineDepth
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

from .factories import ItemFactory, ItemMaterialFactory, StaffUserFactory, UnitFactory

pytestmark = pytest.mark.django_db


def codes(qs):
    return {i.code for i in qs}


def test_loader_classifies_items_by_name(loaded_catalog):
    homestead = Item.objects.get(code="QL074")
    company = Item.objects.get(code="QL255")

    assert homestead.audience == "person" and homestead.township_level
    assert list(homestead.life_events.values_list("code", flat=True)) == ["housing"]
    assert company.audience == "legal" and not company.township_level
    assert Item.objects.get(code="GK001").audience == ""  # disclosure items are not services
    assert LifeEvent.objects.count() == 15
    assert AuditEvent.objects.filter(action="catalog.items.classify").count() == 1


def test_loader_keeps_an_administrators_correction(loaded_catalog):
    item = Item.objects.get(code="QL074")
    services.item_update(actor=None, item=item, audience="both", township_level=False,
                         life_events=[LifeEvent.objects.get(code="build")])

    again = services.catalog_load(actor=None)

    item.refresh_from_db()
    assert again.classified == 0
    assert (item.audience, item.township_level) == ("both", False)
    assert list(item.life_events.values_list("code", flat=True)) == ["build"]


def test_item_update_audits_life_event_changes(loaded_catalog):
    item = Item.objects.get(code="QL074")

    services.item_update(actor=None, item=item, life_events=[LifeEvent.objects.get(code="family")])

    event = AuditEvent.objects.filter(action="catalog.item.update", object_id="QL074").latest("pk")
    assert event.details["changes"]["life_events"] == {"before": ["housing"], "after": ["family"]}


def test_browse_by_life_event_and_audience(loaded_catalog):
    housing = selectors.item_list(event="housing")
    legal_start = selectors.item_list(audience="legal", event="start")

    assert {"QL074", "QL075", "QL112"} <= codes(housing)
    assert "QL255" in codes(legal_start) and "QL074" not in codes(legal_start)
    assert "QL017" in codes(selectors.item_list(audience="person"))
    assert "QL017" not in codes(selectors.item_list(audience="legal"))


def test_unknown_audience_is_refused_in_chinese(loaded_catalog):
    with pytest.raises(ValidationFailed, match="未知的服务对象"):
        list(selectors.item_list(audience="alien"))


def test_township_filter_keeps_items_accepted_at_township_centres(loaded_catalog):
    found = codes(selectors.item_list(township=True))

    assert {"QL074", "QL039"} <= found and "QL255" not in found


def test_fully_online_needs_enabled_material_list_and_depth():
    full = ItemFactory(online_application=True, online_depth=OnlineDepth.FULL)
    ItemMaterialFactory(item=full)
    no_materials = ItemFactory(online_application=True, online_depth=OnlineDepth.FULL)
    only_apply = ItemFactory(online_application=True, online_depth=OnlineDepth.APPLY)
    ItemMaterialFactory(item=only_apply)

    found = codes(selectors.item_list(fully_online=True))

    assert full.code in found and no_materials.code not in found and only_apply.code not in found


def test_one_visit_filter_is_at_most_one_visit():
    zero, one, two, unknown = (ItemFactory(visits_required=v) for v in (0, 1, 2, None))

    found = codes(selectors.item_list(one_visit=True))

    assert {zero.code, one.code} <= found and not {two.code, unknown.code} & found
    counts = selectors.service_filter_counts()
    assert counts["one_visit"] == 2


def test_online_depth_that_claims_online_applying_needs_it_enabled():
    item = ItemFactory(online_application=False)

    with pytest.raises(ValidationFailed, match="必须设为可网上申请"):
        services.item_update(actor=None, item=item, online_depth=OnlineDepth.APPLY)


def test_incomplete_guides_list_names_the_missing_elements():
    dept = UnitFactory()
    complete = ItemFactory(
        department=dept, legal_basis="《某法》第一条", acceptance_conditions="本县居民", statutory_limit_days=20,
        promised_limit_days=10, fees="不收费", place="政务服务中心", hours="工作日", consultation_phone="1",
        supervision_phone="2", online_depth=OnlineDepth.DISCLOSURE, visits_required=1,
    )
    ItemMaterialFactory(item=complete)
    bare = ItemFactory(department=dept, fees="不收费", place="政务服务中心")

    rows = {i.code: selectors.guide_missing_labels(i) for i in selectors.guide_incomplete_list()}

    assert complete.code not in rows
    assert rows[bare.code] == [
        "设定依据", "受理条件", "申请材料", "法定时限", "承诺时限", "办理时间", "咨询电话", "监督投诉电话",
        "网办深度", "到现场次数",
    ]


@pytest.fixture
def admin_client(client):
    login_verified(client, grant_post(StaffUserFactory(), Role.SYSTEM_ADMIN))
    return client


def test_admin_filter_lists_incomplete_items_with_what_they_lack(admin_client):
    bare = ItemFactory(name="缺要素的事项")
    complete = ItemFactory(
        name="要素齐全的事项", department=UnitFactory(), legal_basis="依据", acceptance_conditions="条件",
        statutory_limit_days=5, promised_limit_days=3, fees="不收费", place="地点", hours="时间",
        consultation_phone="1", supervision_phone="2", online_depth=OnlineDepth.DISCLOSURE, visits_required=0,
    )
    ItemMaterialFactory(item=complete)
    url = reverse("admin:catalog_item_changelist")

    incomplete = admin_client.get(url, {"guide": "incomplete"}).content.decode()
    whole = admin_client.get(url, {"guide": "complete"}).content.decode()

    assert "缺要素的事项" in incomplete and "要素齐全的事项" not in incomplete
    assert "设定依据、受理条件、申请材料" in incomplete
    assert "要素齐全的事项" in whole and bare.name not in whole


def test_api_item_detail_carries_the_browse_fields_and_whether_online_applying_is_open(client, loaded_catalog):
    item = Item.objects.get(code="QL074")
    services.item_update(actor=None, item=item, online_application=True, online_depth=OnlineDepth.APPLY)

    closed = client.get("/api/v1/catalog/items/QL074").json()
    ItemMaterialFactory(item=item)
    opened = client.get("/api/v1/catalog/items/QL074?fresh=1").json()

    assert closed["online_open"] is False and opened["online_open"] is True
    assert opened["audience"] == "person" and opened["life_events"] == ["housing"]
    assert opened["township_level"] is True and opened["online_depth"] == "apply"
