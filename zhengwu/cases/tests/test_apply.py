"""Applying through the pages: online, window and agent channels, 我的办件, the status query."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory, _resident_id
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.cases.models import Case, CaseEvent, ReceiptCounter
from zhengwu.cases.selectors import PUBLIC_NOT_FOUND
from zhengwu.cases.services.apply import case_contact_phone
from zhengwu.catalog.tests.factories import ItemMaterialFactory
from zhengwu.core.models import AuditEvent, StoredFile
from zhengwu.core.tests.upload_samples import PDF_BYTES, png_bytes, upload
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    # The status-query limit used to count in the cache, cleared here between tests; it
    # now counts in database rows, which each test's rollback removes.
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def materials(item):
    return {
        "form": ItemMaterialFactory(item=item, seq=1, name="宅基地申请审批表", required=True),
        "id": ItemMaterialFactory(item=item, seq=2, name="申请人身份证明", required=True),
        "optional": ItemMaterialFactory(item=item, seq=3, name="村民小组意见", required=False),
    }


def stored_files_on_disk(settings) -> list[Path]:
    root = Path(settings.ZHENGWU_UPLOAD_ROOT)
    return [p for p in root.glob("**/*") if p.is_file()] if root.exists() else []


def post_application(client, url, materials, *, skip=(), extra_files=(), **fields):
    data = {"note": "新建住房", "contact_phone": "13900001111", **fields}
    for key, m in materials.items():
        if key not in skip and key != "optional":
            data[f"material_{m.pk}"] = upload(f"{m.name}.pdf", PDF_BYTES)
    if extra_files:
        data["extras"] = list(extra_files)
    return client.post(url, data)


def apply_url(item):
    return reverse("cases:apply", kwargs={"code": item.code})


# --- online -------------------------------------------------------------------------


def test_submit_with_materials_creates_case_events_files_and_audit_rows(client, citizen, item, materials, settings):
    client.force_login(citizen)

    response = post_application(client, apply_url(item), materials, extra_files=[upload("现场照片.png", png_bytes())])

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no}) + "?new=1"
    assert (case.applicant, case.channel, case.agent_unit) == (citizen, Case.Channel.ONLINE, None)
    assert case.data["note"] == "新建住房" and case_contact_phone(case) == "13900001111"
    assert "13900001111" not in str(case.data)  # the phone is stored encrypted
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["submit"]
    files = StoredFile.objects.filter(object_type="cases.case", object_id=str(case.pk))
    # Each required material's file is tagged with its seq (supervision checks them in SQL);
    # the extra photo carries the family purpose.
    assert sorted(f.purpose for f in files) == ["case_material", "case_material:1", "case_material:2"]
    assert {f.owner_id for f in files} == {citizen.pk}
    assert [m["material_name"] for m in case.data["materials"]] == ["宅基地申请审批表", "申请人身份证明", "其他材料"]
    assert len(stored_files_on_disk(settings)) == 3
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("cases.case.submit") == 1 and actions.count("files.upload") == 3


def test_receipt_page_shows_the_receipt_number_at_once_and_my_cases_lists_it(client, citizen, item, materials, on_2026_09_24):
    client.force_login(citizen)
    response = post_application(client, apply_url(item), materials)
    case = Case.objects.get()

    receipt = client.get(response["Location"])
    mine = client.get(reverse("cases:mine"))

    assert receipt.status_code == 200
    body = receipt.content.decode()
    assert "申请已提交" in body and case.receipt_no in body
    assert "宅基地申请审批表" in body
    listing = mine.content.decode()
    assert case.receipt_no in listing and case.get_status_display() in listing
    assert case.clock.due_on.strftime("%Y-%m-%d") in listing


def test_apply_form_prefills_the_account_phone_and_lists_each_material(client, citizen, item, materials):
    client.force_login(citizen)

    body = client.get(apply_url(item)).content.decode()

    assert citizen.phone in body
    for m in materials.values():
        assert f'name="material_{m.pk}"' in body and m.name in body


def test_missing_required_material_is_refused_naming_it_and_nothing_is_saved(client, citizen, item, materials, settings):
    client.force_login(citizen)

    response = post_application(client, apply_url(item), materials, skip=("id",))

    assert response.status_code == 400
    body = response.content.decode()
    assert "缺少必需的申请材料:申请人身份证明" in body and "请上传此材料" in body
    assert not Case.objects.exists() and not ReceiptCounter.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.case.submit").exists()
    # The files that were chosen are kept for the corrected form (issue 16), as pending uploads only.
    kept = StoredFile.objects.all()
    assert kept and all(f.purpose == "pending" and f.object_id == "" for f in kept)
    assert all(f"已选择: {f.original_name}" in body for f in kept)
    assert len(stored_files_on_disk(settings)) == kept.count()


def test_wrong_file_type_is_refused_naming_the_rule_and_nothing_is_saved(client, citizen, item, materials, settings):
    client.force_login(citizen)
    data = {"note": "", "contact_phone": "13900001111",
            f"material_{materials['form'].pk}": upload("审批表.pdf", PDF_BYTES),
            # A PNG renamed to .pdf: the content check catches it after the case was opened.
            f"material_{materials['id'].pk}": upload("身份证明.pdf", png_bytes())}

    response = client.post(apply_url(item), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "文件“身份证明.pdf”的内容与扩展名不符" in body
    assert not Case.objects.exists() and not ReceiptCounter.objects.exists()
    # The refused file is not kept; the good one waits as a pending upload for the corrected form.
    assert [(f.original_name, f.purpose) for f in StoredFile.objects.all()] == [("审批表.pdf", "pending")]
    assert "已选择: 审批表.pdf" in body and len(stored_files_on_disk(settings)) == 1


def test_pdf_with_hidden_script_is_refused_at_its_own_material_and_the_typed_text_is_kept(client, citizen, item, materials, settings):
    from zhengwu.core.tests.upload_samples import PAGE_OBJECTS, pdf_with_object_stream

    client.force_login(citizen)
    evil = pdf_with_object_stream(
        {4: b"<< /S /JavaScript /JS (app.alert(1)) >>"}, ["/ASCII85Decode", "/FlateDecode"],
        plain={**PAGE_OBJECTS, 1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"},
    )
    data = {"note": "请尽快办理", "contact_phone": "13900001111",
            f"material_{materials['form'].pk}": upload("审批表.pdf", PDF_BYTES),
            f"material_{materials['id'].pk}": upload("身份证明.pdf", evil)}

    response = client.post(apply_url(item), data)

    assert response.status_code == 400
    body = response.content.decode()
    message = "文件“身份证明.pdf”包含JavaScript 脚本,不允许上传"
    # Named beside the input that held it.
    row = body[body.index(f'id="material_{materials["id"].pk}"'):]
    assert message in row[: row.index("</ul>", row.index(message)) + 5]
    assert "请尽快办理" in body and "已选择: 审批表.pdf" in body
    assert not Case.objects.exists()
    assert [(f.original_name, f.purpose) for f in StoredFile.objects.all()] == [("审批表.pdf", "pending")]


def test_disallowed_extension_is_refused_naming_the_allowed_types(client, citizen, item, materials, settings):
    client.force_login(citizen)

    response = post_application(client, apply_url(item), materials, extra_files=[upload("说明.exe", b"MZ\x90\x00")])

    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()
    assert not Case.objects.exists() and not StoredFile.objects.exclude(purpose="pending").exists()
    assert "说明.exe" not in set(StoredFile.objects.values_list("original_name", flat=True))


def test_oversize_file_is_refused_with_the_upload_services_message(client, citizen, item, materials, settings):
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 100
    client.force_login(citizen)

    response = post_application(client, apply_url(item), materials)

    assert response.status_code == 400
    assert "超过大小限制" in response.content.decode()
    assert not Case.objects.exists() and stored_files_on_disk(settings) == []


def test_bad_contact_phone_is_a_form_error_and_nothing_is_saved(client, citizen, item, materials):
    client.force_login(citizen)

    response = post_application(client, apply_url(item), materials, contact_phone="12345")

    assert response.status_code == 400
    assert "联系电话格式不对" in response.content.decode()
    assert not Case.objects.exists()


def test_retired_and_disclosure_items_cannot_be_applied_for(client, citizen, item, materials):
    from zhengwu.catalog.models import Category
    from zhengwu.catalog.tests.factories import ItemFactory, WorkAreaFactory

    disclosure = ItemFactory(work_area=WorkAreaFactory(category=Category.DISCLOSURE))
    retired = ItemFactory(status="retired")
    client.force_login(citizen)

    listing = client.get(reverse("cases:apply_items")).content.decode()

    assert item.name in listing and disclosure.name not in listing and retired.name not in listing
    assert client.get(apply_url(disclosure)).status_code == 404
    assert client.post(apply_url(retired), {"contact_phone": "13900001111"}).status_code == 404


# --- who sees what --------------------------------------------------------------------


def test_another_citizen_cannot_see_or_download_my_case_or_materials(client, citizen, item, materials):
    client.force_login(citizen)
    post_application(client, apply_url(item), materials)
    case = Case.objects.get()
    file_url = reverse("core:file_download", kwargs={"file_id": StoredFile.objects.first().pk})
    detail_url = reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})
    assert client.get(file_url).status_code == 200

    client.force_login(CitizenFactory())
    detail = client.get(detail_url)
    unknown = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": "ZW20260101999999"}))

    assert detail.status_code == unknown.status_code == 404
    assert client.get(file_url).status_code == 404
    assert case.receipt_no not in client.get(reverse("cases:mine")).content.decode()


def test_staff_of_the_items_department_may_download_materials_but_not_other_departments(client, citizen, item, materials, staff):
    client.force_login(citizen)
    post_application(client, apply_url(item), materials)
    file_url = reverse("core:file_download", kwargs={"file_id": StoredFile.objects.first().pk})
    outsider = grant_post(StaffFactory(), Role.REVIEWER, unit=UnitFactory(code="JT", name="县交通运输局", kind=Unit.Kind.DEPARTMENT))

    results = {}
    for name, user in (("reviewer", staff["reviewer"]), ("clerk", staff["clerk"]), ("outsider", outsider)):
        login_verified(client, user)
        results[name] = client.get(file_url).status_code

    assert results == {"reviewer": 200, "clerk": 200, "outsider": 404}


# --- window and agent -------------------------------------------------------------------


def test_window_clerk_enters_a_walk_in_application_for_a_citizen_found_by_id_number(client, citizen, item, materials, staff):
    login_verified(client, staff["clerk"])

    response = post_application(
        client, reverse("cases:window_apply", kwargs={"code": item.code}), materials, id_number=citizen.id_number,
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.applicant, case.channel) == (citizen, Case.Channel.WINDOW)
    assert CaseEvent.objects.get(case=case).actor == staff["clerk"]
    assert client.get(response["Location"]).status_code == 200  # the clerk prints the receipt
    client.force_login(citizen)
    assert case.receipt_no in client.get(reverse("cases:mine")).content.decode()


def test_window_entry_for_an_unregistered_id_number_is_a_form_error(client, item, materials, staff):
    login_verified(client, staff["clerk"])

    response = post_application(
        client, reverse("cases:window_apply", kwargs={"code": item.code}), materials, id_number=_resident_id("11010119850307031"),
    )

    assert response.status_code == 400
    assert "未找到该身份证号码对应的注册用户" in response.content.decode()
    assert not Case.objects.exists()


def test_service_point_staff_apply_on_behalf_of_a_resident_recorded_as_agent(client, citizen, item, materials):
    township = UnitFactory(code="XZ01", name="城关镇", kind=Unit.Kind.TOWNSHIP)
    point = UnitFactory(code="DB01", name="城关镇便民服务站", kind=Unit.Kind.SERVICE_POINT, parent=township)
    agent = grant_post(StaffFactory(), Role.WINDOW_CLERK, unit=point)
    login_verified(client, agent)

    response = post_application(
        client, reverse("cases:agent_apply", kwargs={"code": item.code}), materials,
        id_number=citizen.id_number, agent_unit=point.pk,
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.applicant, case.channel, case.agent_unit) == (citizen, Case.Channel.AGENT, point)
    assert CaseEvent.objects.get(case=case).payload["agent_unit"] == point.pk
    assert AuditEvent.objects.get(action="cases.case.submit").details["channel"] == "agent"


def test_staff_without_a_township_post_cannot_use_the_agent_pages(client, item, staff):
    login_verified(client, staff["reviewer"])

    assert client.get(reverse("cases:agent_items")).status_code == 403
    assert client.get(reverse("cases:agent_apply", kwargs={"code": item.code})).status_code == 403


# --- the public status query -------------------------------------------------------------


@pytest.fixture
def submitted(client, citizen, item, materials):
    client.force_login(citizen)
    post_application(client, apply_url(item), materials)
    client.logout()
    return Case.objects.get()


def test_status_query_works_without_login(client, citizen, submitted):
    response = client.post(reverse("cases:status"), {"receipt_no": submitted.receipt_no, "id_tail": citizen.id_number[-4:]})

    body = response.content.decode()
    assert response.status_code == 200
    assert submitted.item.name in body and "受理" in body
    assert f"{submitted.clock.due_on.year}年{submitted.clock.due_on.month}月{submitted.clock.due_on.day}日" in body


def test_status_query_gives_the_same_404_for_a_wrong_tail_and_an_unknown_number(client, citizen, submitted):
    wrong_tail = "0000" if citizen.id_number[-4:] != "0000" else "1111"

    wrong = client.post(reverse("cases:status"), {"receipt_no": submitted.receipt_no, "id_tail": wrong_tail})
    unknown = client.post(reverse("cases:status"), {"receipt_no": "ZW20260101999999", "id_tail": citizen.id_number[-4:]})

    assert wrong.status_code == unknown.status_code == 404
    assert PUBLIC_NOT_FOUND in wrong.content.decode() and PUBLIC_NOT_FOUND in unknown.content.decode()
    assert submitted.item.name not in wrong.content.decode()


def _pin_now_inside_one_minute(monkeypatch):
    # All queries inside one fixed window: run across a minute boundary, the count would
    # restart and a query over the limit pass (a flake CI once hit). The window follows
    # timezone.now(), so that is the clock to hold still.
    pinned = timezone.now().replace(second=1, microsecond=0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: pinned)


def test_status_query_is_rate_limited_per_ip(client, citizen, submitted, settings, monkeypatch):
    settings.ZHENGWU_STATUS_QUERY_PER_MINUTE = 3
    _pin_now_inside_one_minute(monkeypatch)
    data = {"receipt_no": submitted.receipt_no, "id_tail": "0000"}

    statuses = [client.post(reverse("cases:status"), data).status_code for _ in range(3)]
    limited = client.post(reverse("cases:status"), {**data, "id_tail": citizen.id_number[-4:]})
    other_ip = client.post(reverse("cases:status"), {**data, "id_tail": citizen.id_number[-4:]}, REMOTE_ADDR="10.0.0.9")

    assert statuses == [404, 404, 404]
    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode()
    assert other_ip.status_code == 200


def test_status_query_limit_holds_across_worker_processes(client, citizen, submitted, settings, monkeypatch):
    # Each gunicorn worker has its own LocMem cache; emptying the cache between queries is
    # what a query landing on the other worker looked like to a cache-held counter.
    settings.ZHENGWU_STATUS_QUERY_PER_MINUTE = 3
    _pin_now_inside_one_minute(monkeypatch)
    data = {"receipt_no": submitted.receipt_no, "id_tail": "0000"}

    statuses = []
    for _ in range(4):
        statuses.append(client.post(reverse("cases:status"), data).status_code)
        cache.clear()

    assert statuses == [404, 404, 404, 429]


def test_status_query_from_an_overlong_forwarded_address_is_counted_not_a_500(client, submitted, settings, monkeypatch):
    settings.ZHENGWU_STATUS_QUERY_PER_MINUTE = 1
    settings.ZHENGWU_TRUSTED_PROXIES = ["127.0.0.1"]  # the header comes from a trusted nginx
    _pin_now_inside_one_minute(monkeypatch)
    data = {"receipt_no": submitted.receipt_no, "id_tail": "0000"}
    address = "1" * 5000

    first = client.post(reverse("cases:status"), data, HTTP_X_REAL_IP=address)
    second = client.post(reverse("cases:status"), data, HTTP_X_REAL_IP=address)

    assert (first.status_code, second.status_code) == (404, 429)


def test_forged_client_addresses_do_not_escape_the_status_query_limit(client, citizen, submitted, settings, monkeypatch):
    # Issue 15 finding 5: with loopback trusted, a fresh X-Real-IP per try removed the limit
    # on guessing a case's ID tail (10,000 values).
    settings.ZHENGWU_STATUS_QUERY_PER_MINUTE = 3
    _pin_now_inside_one_minute(monkeypatch)
    data = {"receipt_no": submitted.receipt_no, "id_tail": "0000"}

    statuses = [
        client.post(reverse("cases:status"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=f"203.0.113.{n}",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(1, 5)
    ]

    assert statuses == [404, 404, 404, 429]


def test_the_status_page_runs_no_query_from_the_url(client, citizen, submitted):
    # The tail belongs in the posted form, never in a URL (access logs keep URLs).
    response = client.get(reverse("cases:status"), {"receipt_no": submitted.receipt_no,
                                                    "id_tail": citizen.id_number[-4:]})
    page = response.content.decode()
    assert response.status_code == 200 and submitted.item.name not in page
    assert 'method="post"' in page


def test_my_case_page_shows_the_contact_phone_masked(client, citizen, item, materials):
    client.force_login(citizen)
    post_application(client, apply_url(item), materials)
    case = Case.objects.get()

    html = client.get(reverse("cases:mine_detail", kwargs={"receipt_no": case.receipt_no})).content.decode()

    phone = case_contact_phone(case)
    assert phone not in html
    assert phone[:3] + "****" + phone[-4:] in html


# --- items not open to online application (issue 16) -----------------------------------


def test_item_not_enabled_online_is_refused_with_in_person_instructions(client, citizen, item, materials):
    item.online_application = False
    item.place, item.hours, item.consultation_phone = "县政务服务中心一楼8号窗口", "工作日 9:00-17:00", "0000-1234508"
    item.save()
    client.force_login(citizen)

    page = client.get(apply_url(item))
    post = post_application(client, apply_url(item), materials)
    listing = client.get(reverse("cases:apply_items")).content.decode()

    assert page.status_code == 403 and post.status_code == 403
    body = page.content.decode()
    assert "暂未开通网上申请" in body
    assert "县政务服务中心一楼8号窗口" in body and "工作日 9:00-17:00" in body and "0000-1234508" in body
    assert 'name="contact_phone"' not in body
    assert Case.objects.count() == 0
    assert item.name not in listing


def test_item_enabled_without_a_material_list_is_refused(client, citizen, item):
    client.force_login(citizen)

    response = client.get(apply_url(item))

    assert response.status_code == 403
    assert "申请材料清单暂未公布" in response.content.decode()


def test_service_refuses_online_application_for_an_item_not_enabled(citizen, item, materials):
    from zhengwu.cases.services.apply import case_apply
    from zhengwu.core.errors import PermissionDenied

    item.online_application = False
    item.save()

    with pytest.raises(PermissionDenied) as exc:
        case_apply(actor=citizen, item=item, applicant=citizen, contact_phone="13900001111",
                   materials={materials["form"].pk: upload("a.pdf", PDF_BYTES), materials["id"].pk: upload("b.pdf", PDF_BYTES)})

    assert exc.value.code == "item_not_online" and Case.objects.count() == 0


def test_window_clerk_still_enters_an_item_not_open_online(client, item, materials, staff):
    item.online_application = False
    item.save()
    login_verified(client, staff["clerk"])

    response = client.get(reverse("cases:window_apply", kwargs={"code": item.code}))

    assert response.status_code == 200 and 'name="id_number"' in response.content.decode()
