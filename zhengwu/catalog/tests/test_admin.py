"""The admin screens save only through the catalog services and never delete."""

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.catalog.models import Item, WorkArea
from zhengwu.core.models import AuditEvent
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

from .factories import (
    ItemFactory,
    ItemMaterialFactory,
    StaffUserFactory,
    UnitFactory,
    WorkAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    # The system administrator's post opens the catalog screens (is_superuser grants nothing).
    user = grant_post(StaffUserFactory(), Role.SYSTEM_ADMIN)
    login_verified(client, user)
    client.user = user
    return client


def _item_form(item, **overrides):
    data = {
        "work_area": item.work_area_id, "name": item.name, "content": item.content,
        "department": item.department_id or "",
        "basic_code": "", "implementation_code": "", "business_code": "", "exercise_level": "",
        "implementing_body": "", "legal_basis": "", "acceptance_conditions": "",
        "statutory_limit_days": "", "promised_limit_days": "", "handling_type": "", "visits_required": "",
        "fees": "", "fee_basis": "", "place": "", "hours": "", "consultation_phone": "", "supervision_phone": "",
        "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_item_changelist_filters_and_searches(admin_client):
    ItemFactory(name="居民身份证办理")
    url = reverse("admin:catalog_item_changelist")
    response = admin_client.get(url, {"q": "身份证", "category__exact": "power", "status__exact": "active"})
    assert response.status_code == 200
    assert "居民身份证办理" in response.content.decode()


def test_admin_edit_goes_through_the_service_and_is_audited(admin_client):
    item = ItemFactory()
    url = reverse("admin:catalog_item_change", args=[item.pk])
    response = admin_client.post(url, _item_form(item, place="县政务服务中心", statutory_limit_days="20"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.place, item.statutory_limit_days) == ("县政务服务中心", 20)
    event = AuditEvent.objects.get(action="catalog.item.update")
    assert event.actor_id == admin_client.user.pk
    assert set(event.details["changes"]) == {"place", "statutory_limit_days"}


def test_admin_edit_with_a_bad_limit_shows_a_chinese_error_and_saves_nothing(admin_client):
    item = ItemFactory()
    url = reverse("admin:catalog_item_change", args=[item.pk])
    response = admin_client.post(url, _item_form(item, statutory_limit_days="5", promised_limit_days="10"))
    assert response.status_code == 200
    assert "承诺办结时限不能超过法定办结时限" in response.content.decode()
    item.refresh_from_db()
    assert item.statutory_limit_days is None
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()


def test_admin_add_creates_a_local_item_with_materials(admin_client):
    area = WorkAreaFactory(category="convenience")
    form = _item_form(Item(work_area=area, name="老年人优待证办理"), category="convenience", **{
        "materials-TOTAL_FORMS": "1", "materials-0-seq": "1", "materials-0-name": "居民身份证",
        "materials-0-form": "paper", "materials-0-originals": "1", "materials-0-copies": "0",
        "materials-0-required": "on", "materials-0-note": "",
    })
    response = admin_client.post(reverse("admin:catalog_item_add"), form)
    assert response.status_code == 302
    item = Item.objects.get(name="老年人优待证办理")
    assert (item.code, item.source) == ("BM-L0001", Item.Source.LOCAL)
    assert list(item.materials.values_list("name", "originals", "copies")) == [("居民身份证", 1, 0)]
    actions = list(AuditEvent.objects.filter(action__startswith="catalog.").values_list("action", flat=True))
    assert actions == ["catalog.item.create", "catalog.item.materials_set"]


def test_admin_material_removal_goes_through_material_set(admin_client):
    item = ItemFactory()
    material = ItemMaterialFactory(item=item, seq=1, name="旧材料")
    form = _item_form(item, **{
        "materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": "1",
        "materials-0-id": str(material.pk), "materials-0-item": str(item.pk), "materials-0-seq": "1",
        "materials-0-name": "旧材料", "materials-0-form": "both", "materials-0-originals": "0",
        "materials-0-copies": "1", "materials-0-required": "on", "materials-0-DELETE": "on",
    })
    response = admin_client.post(reverse("admin:catalog_item_change", args=[item.pk]), form)
    assert response.status_code == 302
    assert not item.materials.exists()
    assert AuditEvent.objects.filter(action="catalog.item.materials_set").count() == 1


def test_admin_cannot_delete_items(admin_client):
    item = ItemFactory()
    response = admin_client.post(reverse("admin:catalog_item_delete", args=[item.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Item.objects.filter(pk=item.pk).exists()


def test_admin_retire_action_asks_for_a_reason_first(admin_client):
    item = ItemFactory()
    url = reverse("admin:catalog_item_changelist")
    response = admin_client.post(url, {"action": "retire_items", "_selected_action": [item.pk]})
    assert response.status_code == 200
    assert "停用原因" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Item.Status.ACTIVE


def test_admin_retire_action_without_a_reason_retires_nothing(admin_client):
    item = ItemFactory()
    url = reverse("admin:catalog_item_changelist")
    admin_client.post(url, {"action": "retire_items", "_selected_action": [item.pk], "apply": "1", "reason": " "})
    item.refresh_from_db()
    assert item.status == Item.Status.ACTIVE
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()


def test_admin_retire_action_with_a_reason_retires_through_the_service(admin_client):
    item = ItemFactory()
    url = reverse("admin:catalog_item_changelist")
    response = admin_client.post(
        url, {"action": "retire_items", "_selected_action": [item.pk], "apply": "1", "reason": "职能已划转"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.retire_reason) == (Item.Status.RETIRED, "职能已划转")
    assert AuditEvent.objects.get(action="catalog.item.retire").actor_id == admin_client.user.pk


def test_admin_work_area_department_change_assigns_items(admin_client):
    area = WorkAreaFactory()
    item = ItemFactory(work_area=area)
    unit = UnitFactory(name="县公安局")
    url = reverse("admin:catalog_workarea_change", args=[area.pk])
    response = admin_client.post(url, {"department": unit.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.department, item.implementing_body) == (unit, "县公安局")
    assert AuditEvent.objects.filter(action="catalog.work_area.assign_department").count() == 1


def test_admin_cannot_add_or_delete_work_areas(admin_client):
    area = WorkAreaFactory()
    assert admin_client.get(reverse("admin:catalog_workarea_add")).status_code == 403
    assert admin_client.post(reverse("admin:catalog_workarea_delete", args=[area.pk]), {"post": "yes"}).status_code == 403
    assert WorkArea.objects.filter(pk=area.pk).exists()


def test_admin_item_pages_render(admin_client):
    item = ItemFactory()
    ItemMaterialFactory(item=item)
    assert admin_client.get(reverse("admin:catalog_item_change", args=[item.pk])).status_code == 200
    assert admin_client.get(reverse("admin:catalog_item_add")).status_code == 200
    assert admin_client.get(reverse("admin:catalog_workarea_changelist")).status_code == 200
