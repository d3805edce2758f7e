"""POST /api/v1/letters/route-suggestion: contract, access, bad input."""

import json

import pytest
from django.test import Client

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified

pytestmark = pytest.mark.django_db

URL = "/api/v1/letters/route-suggestion"


@pytest.fixture
def staff_client(small_county):
    client = Client()
    login_verified(client, StaffFactory())
    return client


def _post(client, body, content_type="application/json"):
    data = json.dumps(body) if not isinstance(body, (str, bytes)) else body
    return client.post(URL, data=data, content_type=content_type)


def test_contract_top3_best_first(staff_client):
    response = _post(staff_client, {"text": "化工厂偷排污水,河里的鱼都死了"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert 1 <= len(suggestions) <= 3
    first = suggestions[0]
    assert set(first) == {"department_code", "department_name", "work_areas", "score", "basis", "note"}
    assert (first["basis"], first["note"]) == ("match", "")
    assert (first["department_code"], first["department_name"]) == ("R-ENV", "县环境保护局")
    assert isinstance(first["work_areas"], list)
    assert [s["score"] for s in suggestions] == sorted((s["score"] for s in suggestions), reverse=True)
    assert all(0 <= s["score"] <= 1 for s in suggestions)


def test_a_letter_without_evidence_gets_the_labelled_fallback(staff_client):
    suggestions = _post(staff_client, {"text": "无人机黑飞"}).json()["suggestions"]
    assert len(suggestions) == 1 and suggestions[0]["basis"] == "fallback"
    assert "兜底" in suggestions[0]["note"] and suggestions[0]["score"] == 0.05


def test_unmatched_text_gives_an_empty_list(staff_client):
    response = _post(staff_client, {"text": "你好"})
    assert response.status_code == 200 and response.json() == {"suggestions": []}


@pytest.mark.parametrize("body", [
    {"text": ""},
    {},
    {"text": "   "},
    {"text": "x" * 20001},
    {"text": "。。。!!!"},
    {"text": "排污\u0000"},
])
def test_bad_text_gets_a_chinese_400(staff_client, body):
    response = _post(staff_client, body)
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in payload["message"])


@pytest.mark.parametrize("body", [{"text": 123}, {"text": ["排污"]}, {"text": {"a": 1}}])
def test_wrong_types_are_refused_in_chinese_not_500(staff_client, body):
    response = _post(staff_client, body)
    assert response.status_code in (400, 422)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_unparseable_body_is_a_chinese_400(staff_client):
    response = _post(staff_client, "{not json")
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_citizens_and_anonymous_are_refused(small_county):
    anonymous = Client()
    assert _post(anonymous, {"text": "排污"}).status_code == 401
    citizen = Client()
    citizen.force_login(CitizenFactory())
    assert _post(citizen, {"text": "排污"}).status_code == 403
