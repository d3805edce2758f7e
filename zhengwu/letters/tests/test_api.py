import json
import re

import pytest

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.letters.models import Letter

from .conftest import BODY, submit

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_applicant_submits_and_lists_their_letters(client, citizen, staff):
    client.force_login(citizen)

    response = post(client, "/api/v1/letters/submit", {
        "channel": "complaint", "category": "labour", "title": "工资被拖欠", "body": "老板拖欠我们三个月工资,请帮忙追讨。",
        "township": "LX-T1"})

    assert response.status_code == 201
    code = response.json()["query_code"]
    mine = client.get("/api/v1/letters/mine").json()
    assert [m["query_code"] for m in mine] == [code]


def test_submit_errors_are_chinese_json(client, citizen, staff):
    client.force_login(citizen)

    bad = post(client, "/api/v1/letters/submit", {"channel": "complaint", "category": "labour", "title": "x",
                                                 "body": " <b></b> "})
    nul = post(client, "/api/v1/letters/submit", {"channel": "complaint", "category": "labour", "title": "x",
                                                 "body": "\x00" * 20})
    assert nul.status_code == 400 and re.search(r"[\u4e00-\u9fff]", nul.json()["message"])
    wrong_type = post(client, "/api/v1/letters/submit", {"channel": ["x"], "category": 1, "title": "x", "body": "y"})

    assert bad.status_code == 400 and bad.json()["message"] == "请填写信件内容"
    assert wrong_type.status_code == 422 and "格式不正确" in wrong_type.json()["message"]


def test_query_by_code_is_public_and_a_wrong_code_is_404(client, citizen, staff):
    letter = submit(citizen)

    ok = client.get(f"/api/v1/letters/query/{letter.query_code}")
    wrong = client.get("/api/v1/letters/query/ABCDEFGHJKMN")

    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert ok.json()["events"][0]["label"] == "收到来信"
    assert wrong.status_code == 404 and wrong.json()["message"] == "未找到该查询码对应的信件,请核对后重新输入"


def test_staff_inbox_detail_and_actions(client, citizen, staff):
    letter = submit(citizen)
    login_verified(client, staff["clerk"])

    assert [r["id"] for r in client.get("/api/v1/letters/staff/inbox").json()] == [letter.pk]
    response = post(client, f"/api/v1/letters/staff/{letter.pk}/actions",
                    {"action": "assign", "department": "LX-HB", "co_departments": ["LX-RS"], "reason": "按职责"})
    assert response.status_code == 200
    assert [h["kind"] for h in response.json()["hops"]] == ["triage", "handle", "joint"]

    client.logout()
    login_verified(client, staff["env_handler"])
    refused = post(client, f"/api/v1/letters/staff/{letter.pk}/actions", {"action": "reply_draft", "body": "已处理。谢谢"})
    assert refused.status_code == 409 and "会办部门" in refused.json()["message"]
    empty = client.post(f"/api/v1/letters/staff/{letter.pk}/actions")
    assert empty.status_code == 400

    client.logout()
    login_verified(client, staff["other"])
    assert client.get(f"/api/v1/letters/staff/{letter.pk}").status_code == 404
    assert post(client, f"/api/v1/letters/staff/{letter.pk}/actions", {"action": "accept"}).status_code == 404
    assert Letter.objects.get().status == "handling"


def test_published_and_statistics_are_public(client, staff):
    assert client.get("/api/v1/letters/published").json() == []
    months = client.get("/api/v1/letters/statistics/monthly").json()
    assert len(months) == 12 and {"received", "on_time_rate", "satisfaction_rate"} <= months[0].keys()


def test_anonymous_cannot_use_the_applicant_api(client, staff):
    response = post(client, "/api/v1/letters/submit", {"channel": "suggestion", "category": "other", "title": "x",
                                                      "body": BODY})
    assert response.status_code == 401
