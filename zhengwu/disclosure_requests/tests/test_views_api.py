"""Pages and API: submit, follow, act, ownership (404), bad input, the public report."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.disclosure_requests.services import report as services_report
from zhengwu.disclosure_requests.models import DisclosureRequest

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    if user.kind == "staff":
        login_verified(client, user)
    else:
        client.force_login(user)
    return client


def _post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def filed(calendar, citizen, dept):
    response = _post_json(_client(citizen), "/api/v1/disclosure-requests/submit", {
        "department_id": dept.pk, "description": "请公开2026年财政预算", "contact_phone": "13812345678",
    })
    assert response.status_code == 201, response.content
    return response.json()


def test_api_submit_mine_and_detail_are_the_owners_only(filed, citizen, other_citizen):
    assert filed["receipt_no"].startswith("YSQ") and filed["status"] == "received" and filed["due_on"]
    assert filed["requester_label"] == "自然人"
    mine = _client(citizen).get("/api/v1/disclosure-requests/mine").json()
    assert [r["receipt_no"] for r in mine] == [filed["receipt_no"]]
    url = f"/api/v1/disclosure-requests/{filed['receipt_no']}"
    assert _client(citizen).get(url).status_code == 200
    theirs = _client(other_citizen).get(url)
    assert theirs.status_code == 404 and theirs.json()["message"] == "未找到该申请"
    assert _client(other_citizen).get("/api/v1/disclosure-requests/mine").json() == []


@pytest.mark.parametrize("body,status", [
    ({"department_id": "abc", "description": "x", "contact_phone": "13812345678"}, 422),
    ({"department_id": 999999, "description": "x", "contact_phone": "13812345678"}, 400),
    ({"department_id": None, "description": "x" * 5000, "contact_phone": "13812345678"}, 422),
    ({"description": ["列表"], "contact_phone": 13812345678}, 422),
])
def test_api_bad_bodies_get_chinese_4xx(calendar, citizen, dept, body, status):
    if body.get("department_id") == 999999:
        body = {**body}
    response = _post_json(_client(citizen), "/api/v1/disclosure-requests/submit", body)
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_api_long_description_and_nul(calendar, citizen, dept):
    client = _client(citizen)
    long = _post_json(client, "/api/v1/disclosure-requests/submit",
                      {"department_id": dept.pk, "description": "长" * 5000, "contact_phone": "13812345678"})
    assert long.status_code == 400 and "不能超过" in long.json()["message"]
    nul = _post_json(client, "/api/v1/disclosure-requests/submit",
                     {"department_id": dept.pk, "description": "a\u0000b", "contact_phone": "13812345678"})
    assert nul.status_code < 500


def test_api_officer_acts_and_another_department_gets_404(filed, officer, other_officer):
    receipt = filed["receipt_no"]
    client = _client(officer)
    inbox = client.get("/api/v1/disclosure-requests/staff/inbox").json()
    assert [r["receipt_no"] for r in inbox] == [receipt]
    url = f"/api/v1/disclosure-requests/staff/{receipt}/actions"
    assert _post_json(client, url, {"action": "register"}).json()["status"] == "registered"
    bad = _post_json(client, url, {"action": "reply", "outcome": "8.1", "text": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "outcome_invalid"
    done = _post_json(client, url, {"action": "reply", "outcome": "4.1", "text": "本机关不掌握该信息"})
    assert done.status_code == 200
    assert done.json()["outcome_label"] == "无法提供:1.本机关不掌握相关政府信息"
    assert [e["kind"] for e in done.json()["timeline"]] == ["submit", "register", "reply"]
    other = _client(other_officer)
    assert other.get(f"/api/v1/disclosure-requests/staff/{receipt}").status_code == 404
    assert _post_json(other, url, {"action": "register"}).status_code == 404
    assert other.get("/api/v1/disclosure-requests/staff/inbox").json() == []


def test_api_public_report_only_once_published(db, officer):
    url = "/api/v1/disclosure-requests/reports/2025"
    assert Client().get(url).status_code == 404
    report = services_report.report_create(actor=officer, year=2025)
    services_report.report_update(actor=officer, report=report, overview="总体", problems="", other_matters="", manual={})
    assert Client().get(url).status_code == 404  # a draft is not public
    services_report.report_publish(actor=officer, report=report)
    data = Client().get(url).json()
    assert data["year"] == 2025 and data["figures"]["requests"]["balanced"] is True


def test_apply_page_submits_and_shows_the_due_date(calendar, citizen, dept):
    client = _client(citizen)
    assert client.get(reverse("disclosure_requests:apply")).status_code == 200
    response = client.post(reverse("disclosure_requests:apply"), {
        "department": str(dept.pk), "description": "请公开征地补偿标准", "purpose": "", "form": "paper",
        "contact_phone": "13812345678",
    })
    req = DisclosureRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/disclosure-requests/{req.receipt_no}/")
    page = client.get(response["Location"]).content.decode()
    assert req.receipt_no in page and f"{req.clock.due_on.year}年{req.clock.due_on.month}月{req.clock.due_on.day}日" in page
    assert "138****5678" in page and "13812345678" not in page


def test_apply_page_shows_errors_in_chinese(calendar, citizen, dept):
    response = _client(citizen).post(reverse("disclosure_requests:apply"), {
        "department": "\u0000", "description": "", "contact_phone": "1",
    })
    assert response.status_code == 400
    assert "行政机关" in response.content.decode() or "请填写" in response.content.decode()


def test_staff_page_for_the_officer_only(filed, officer, other_officer, citizen):
    url = reverse("disclosure_requests:staff_detail", kwargs={"receipt_no": filed["receipt_no"]})
    page = _client(officer).get(url)
    assert page.status_code == 200 and "登记受理" in page.content.decode()
    assert _client(other_officer).get(url).status_code == 404
    act = reverse("disclosure_requests:staff_act", kwargs={"receipt_no": filed["receipt_no"]})
    assert _client(other_officer).post(act, {"action": "register"}).status_code == 404
    _client(officer).post(act, {"action": "register"})
    assert DisclosureRequest.objects.get().status == "registered"


def test_window_clerk_enters_a_paper_request(calendar, clerk, dept):
    response = _client(clerk).post(reverse("disclosure_requests:window_entry"), {
        "channel": "window", "requester_type": "legal", "requester_subtype": "public_welfare",
        "requester_name": "示例公益基金会", "contact_phone": "13900001111", "department": str(dept.pk),
        "description": "请公开慈善项目备案信息", "form": "paper",
    })
    assert response.status_code == 302
    req = DisclosureRequest.objects.get()
    assert (req.channel, req.requester_subtype, req.applicant_id) == ("window", "public_welfare", None)


def test_disclosure_section_page_links_to_apply_and_published_reports(db, officer):
    report = services_report.report_create(actor=officer, year=2025)
    services_report.report_update(actor=officer, report=report, overview="总体", problems="", other_matters="", manual={})
    services_report.report_publish(actor=officer, report=report)
    page = Client().get(reverse("portal:disclosure")).content.decode()
    assert reverse("disclosure_requests:apply") in page
    assert reverse("disclosure_requests:report_public", kwargs={"year": 2025}) in page
    public = Client().get(reverse("disclosure_requests:report_public", kwargs={"year": 2025}))
    assert public.status_code == 200 and "收到和处理政府信息公开申请情况" in public.content.decode()
    export = Client().get(reverse("disclosure_requests:report_public_export", kwargs={"year": 2025, "fmt": "pdf"}))
    assert export.status_code == 200 and export.content.startswith(b"%PDF")
    assert Client().get(reverse("disclosure_requests:report_public_export", kwargs={"year": 2025, "fmt": "exe"})).status_code == 404


def test_apply_page_reports_every_mistake_at_once_and_keeps_the_attachment(calendar, citizen, dept, settings, tmp_path):
    from zhengwu.core.models import PendingUpload
    from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
    from zhengwu.core.uploads import file_list

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    client = _client(citizen)
    url = reverse("disclosure_requests:apply")
    response = client.post(url, {"department": "", "description": "", "form": "paper", "contact_phone": "1",
                                 "attachments": [upload("依据.pdf", PDF_BYTES)]})

    page = response.content.decode()
    assert response.status_code == 400
    assert "请选择受理申请的行政机关" in page and "请填写所需政府信息的描述" in page and "联系电话格式不对" in page
    token = PendingUpload.objects.get().token
    assert "已选择: 依据.pdf" in page and token in page

    response = client.post(url, {"department": str(dept.pk), "description": "请公开征地补偿标准", "form": "paper",
                                 "contact_phone": "13812345678", "attachments__token": token})
    assert response.status_code == 302
    req = DisclosureRequest.objects.get()
    assert [f.original_name for f in file_list(object_type="disclosure_requests.request", object_id=req.pk)] \
        == ["依据.pdf"]
