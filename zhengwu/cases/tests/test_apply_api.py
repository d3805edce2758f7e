"""/api/v1/cases/: items open for application, multipart submit, my cases, public status."""

from datetime import datetime

import pytest
from django.core.cache import cache

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.cases.engine import ACTION_LABELS, RUNNING, STATUS_LABELS
from zhengwu.cases.models import Case
from zhengwu.cases.selectors import PUBLIC_NOT_FOUND
from zhengwu.catalog.models import Category
from zhengwu.catalog.tests.factories import (
    ItemFactory,
    ItemMaterialFactory,
    WorkAreaFactory,
)
from zhengwu.core.models import StoredFile
from zhengwu.core.page_cache import content_version
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


@pytest.fixture(autouse=True)
def uploads_and_clean_cache(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def required(item):
    return ItemMaterialFactory(item=item, seq=1, name="宅基地申请审批表", required=True)


def submit(client, item, material=None, **extra):
    data = {"item_code": item.code, "note": "翻建", **extra}
    if material is not None:
        data[f"material_{material.pk}"] = upload("审批表.pdf", PDF_BYTES)
    return client.post(f"{BASE}/submit", data)


def test_items_open_for_application_lists_power_items_with_material_ids(client, item, required, django_assert_max_num_queries):
    ItemFactory(work_area=WorkAreaFactory(category=Category.DISCLOSURE), name="政府信息公开申请")
    for _ in range(5):
        ItemMaterialFactory(item=ItemFactory(online_application=True), required=False)
    # Enabled without a material list, and a material list without being enabled: not listed.
    ItemFactory(online_application=True)
    ItemMaterialFactory(item=ItemFactory(), required=False)
    content_version()  # the response cache reads it at most every 2 s; measured are the view's own queries

    with django_assert_max_num_queries(3):
        body = client.get(f"{BASE}/items", {"page_size": 50}).json()

    names = [i["name"] for i in body["items"]]
    assert body["count"] == 6 and item.name in names and "政府信息公开申请" not in names
    mine = next(i for i in body["items"] if i["code"] == item.code)
    assert mine["materials"] == [{"id": required.pk, "seq": 1, "name": "宅基地申请审批表", "required": True, "note": ""}]


def test_api_submit_returns_the_receipt_number_and_due_date(client, citizen, item, required):
    client.force_login(citizen)

    response = submit(client, item, required)

    case = Case.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "receipt_no": case.receipt_no, "due_on": case.clock.due_on.isoformat(),
        "calendar_complete": case.clock.calendar_complete,
    }
    assert case.channel == "online" and StoredFile.objects.filter(object_id=str(case.pk)).count() == 1
    # No phone given: the account's own is used.
    assert case.data["contact_phone_enc"]


def test_api_submit_without_a_required_material_saves_nothing(client, citizen, item, required):
    client.force_login(citizen)

    response = submit(client, item)

    assert response.status_code == 400
    assert response.json()["code"] == "material_missing"
    assert "宅基地申请审批表" in response.json()["message"]
    assert not Case.objects.exists() and not StoredFile.objects.exists()


def test_api_submit_for_an_unknown_item_is_404(client, citizen):
    client.force_login(citizen)

    response = client.post(f"{BASE}/submit", {"item_code": "NOPE"})

    assert response.status_code == 404 and response.json()["message"] == "该事项不存在或暂不能申请"


def test_api_mine_pages_only_my_cases(client, citizen, item, required, django_assert_max_num_queries):
    client.force_login(citizen)
    for _ in range(3):
        assert submit(client, item, required).status_code == 201
    other = CitizenFactory()
    client.force_login(other)
    assert submit(client, item, required).status_code == 201
    client.force_login(citizen)

    # Session, user and second-factor lookups, the count and one joined page query:
    # the same whatever the page holds.
    with django_assert_max_num_queries(7):
        client.get(f"{BASE}/mine", {"page_size": 3})
    first = client.get(f"{BASE}/mine", {"page_size": 2}).json()
    second = client.get(f"{BASE}/mine", {"page_size": 2, "page": 2}).json()

    mine = set(Case.objects.filter(applicant=citizen).values_list("receipt_no", flat=True))
    got = [c["receipt_no"] for c in first["items"] + second["items"]]
    assert first["count"] == 3 and len(first["items"]) == 2 and set(got) == mine
    assert first["items"][0]["status_label"] == STATUS_LABELS[RUNNING] and first["items"][0]["current_step"] == "受理"
    assert all(c["due_on"] for c in first["items"])
    # Times in Beijing time, as the pages show them: the same instant as stored, "+08:00".
    stored = Case.objects.get(receipt_no=first["items"][0]["receipt_no"]).submitted_at
    shown = first["items"][0]["submitted_at"]
    assert shown.endswith("+08:00")
    # (JSON times carry milliseconds, as Django's encoder writes them.)
    assert datetime.fromisoformat(shown) == stored.replace(microsecond=stored.microsecond // 1000 * 1000)


def test_api_public_status_without_login_and_same_404_for_wrong_tail_or_unknown_number(client, citizen, item, required):
    client.force_login(citizen)
    receipt = submit(client, item, required).json()["receipt_no"]
    client.logout()
    tail = citizen.id_number[-4:]
    wrong_tail = "0000" if tail != "0000" else "1111"

    ok = client.post(f"{BASE}/{receipt}/status", {"id_tail": tail}, content_type="application/json")
    wrong = client.post(f"{BASE}/{receipt}/status", {"id_tail": wrong_tail}, content_type="application/json")
    unknown = client.post(f"{BASE}/ZW20260101999999/status", {"id_tail": tail}, content_type="application/json")

    body = ok.json()
    case = Case.objects.get()
    assert ok.status_code == 200
    assert body["receipt_no"] == receipt and body["current_step"] == "受理" and body["status"] == "running"
    assert body["expected_conclusion"] == case.clock.due_on.isoformat()
    assert body["calendar_complete"] == case.clock.calendar_complete
    assert [s["action"] for s in body["steps"]] == [ACTION_LABELS["submit"]]
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() and wrong.json()["message"] == PUBLIC_NOT_FOUND


def test_api_public_status_is_rate_limited(client, settings):
    settings.ZHENGWU_STATUS_QUERY_PER_MINUTE = 2

    statuses = [client.post(f"{BASE}/ZW20260101999999/status", {"id_tail": "1234"}, content_type="application/json").status_code for _ in range(3)]
    limited = client.post(f"{BASE}/ZW20260101999999/status", {"id_tail": "1234"}, content_type="application/json")

    assert statuses == [404, 404, 429]
    assert limited.status_code == 429 and limited.json()["message"] == "查询过于频繁,请一分钟后再试"


def test_api_public_status_takes_the_tail_in_the_body_not_the_url(client, citizen, item, required):
    # A tail in the query string lands in every access log on the way.
    client.force_login(citizen)
    receipt = submit(client, item, required).json()["receipt_no"]
    client.logout()

    by_url = client.get(f"{BASE}/{receipt}/status", {"id_tail": citizen.id_number[-4:]})

    assert by_url.status_code == 405


def test_staff_cannot_submit_through_the_applicant_api(client, item, required, staff):
    from zhengwu.accounts.tests.mfa_helpers import login_verified

    login_verified(client, staff["clerk"])

    response = submit(client, item, required)

    assert response.status_code == 403 and not Case.objects.exists()
