"""NUL characters in requests get a Chinese 400 before any query runs.

PostgreSQL refuses NUL in text values; before this rule a search for "\\x00" on the
catalog page or API was a 500 there (SQLite silently accepted it).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [
    {"q": "\x00"},
    {"q": "公安\x00"},
    {"department": "\x00"},
    {"q\x00": "1"},
    {"page": ["1", "\x00"]},
])
def test_catalog_page_answers_chinese_400_to_nul_in_query(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/catalog/", params)

    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
    # Refused before the view: nothing reached the database but the footer's identity.
    assert not any("catalog_item" in q["sql"] for q in queries.captured_queries)


def test_catalog_api_answers_json_400_to_nul_in_query(client):
    response = client.get("/api/v1/catalog/items", {"work_area": "\x00"})

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["message"] == "请求有误"


def test_nul_in_path_is_a_400_not_a_lookup(client):
    response = client.get("/catalog/items/%00/")

    assert response.status_code == 400


def test_nul_in_form_field_is_refused(client):
    response = client.post(
        "/accounts/login/", "username=clerk%00&password=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_nul_in_json_body_is_refused(client):
    response = client.post(
        "/api/v1/catalog/items", data=json.dumps({"q": "a\x00"}), content_type="application/json"
    )

    assert response.status_code == 400


def test_ordinary_search_still_works(client):
    response = client.get("/catalog/", {"q": "户籍 %00 100%"})

    assert response.status_code == 200
