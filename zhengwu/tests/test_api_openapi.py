"""openapi.json documents every operation's errors, its limits and its responses (issue 15)."""

from __future__ import annotations

import json

import pytest

from zhengwu.api import api
from zhengwu.core.openapi import ERROR_SCHEMA_NAME, MAX_OBJECT_ID

PREFIX = "/api/v1/"
ERROR_REF = f"#/components/schemas/{ERROR_SCHEMA_NAME}"


def _document() -> dict:
    return api.get_openapi_schema(path_prefix=PREFIX)


def _operations():
    for path, methods in _document()["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_document_is_built_once_per_process():
    assert api.get_openapi_schema(path_prefix=PREFIX) is api.get_openapi_schema(path_prefix=PREFIX)


@pytest.mark.django_db
def test_the_served_document_is_the_built_one(client):
    served = client.get("/api/v1/openapi.json")

    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(_document(), default=str))


def test_every_error_response_uses_the_shared_error_schema():
    assert set(_document()["components"]["schemas"][ERROR_SCHEMA_NAME]["required"]) == {"code", "message", "details"}
    for name, operation in _operations():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (name, status)


def test_every_operation_that_takes_input_documents_400_and_422():
    for name, operation in _operations():
        if operation.get("parameters") or operation.get("requestBody"):
            assert {400, 422} <= {int(s) for s in operation["responses"]}, name


def test_every_signed_in_operation_documents_401_and_403():
    signed_in = [(name, op) for name, op in _operations() if op.get("security")]

    assert len(signed_in) >= 20
    for name, operation in signed_in:
        assert {401, 403} <= {int(s) for s in operation["responses"]}, name


def test_every_operation_names_the_object_it_may_not_find():
    for name, operation in _operations():
        if "{" in name:
            assert 404 in {int(s) for s in operation["responses"]}, name


def test_every_success_response_has_a_schema():
    for name, operation in _operations():
        successes = {s: r for s, r in operation["responses"].items() if int(s) < 300}
        assert successes, name
        for status, response in successes.items():
            assert response["content"]["application/json"]["schema"], (name, status)


def _parameter(path: str, name: str, method: str = "get") -> dict:
    operation = _document()["paths"][f"{PREFIX}{path}"][method]
    return next(p["schema"] for p in operation["parameters"] if p["name"] == name)


def test_the_limits_the_server_enforces_are_declared():
    working_days = _parameter("calendar/deadline", "working_days")
    assert (working_days["minimum"], working_days["maximum"]) == (0, 3650)
    start = _parameter("calendar/deadline", "start")
    assert (start["format"], start["formatMinimum"], start["formatMaximum"]) == ("date", "1900-01-01", "2199-12-31")
    assert _parameter("disclosure/items/{disclosure_id}", "disclosure_id")["maximum"] == MAX_OBJECT_ID
    assert _parameter("letters/staff/inbox", "view")["enum"] == ["todo", "open", "done", "all"]
    assert _parameter("search", "sort")["enum"] == ["relevance", "date"]
    assert set(_parameter("search", "type")["enum"]) >= {"item", "disclosure", "letter"}
    assert _parameter("insights/overview", "granularity")["enum"] == ["", "day", "week", "month"]
    assert _parameter("catalog/items/{code}", "code")["maxLength"] == 32


@pytest.mark.django_db
def test_the_served_document_is_encoded_once(client):
    first = client.get("/api/v1/openapi.json")

    assert first["Content-Type"] == "application/json"
    assert api._openapi_bytes[PREFIX] == first.content == client.get("/api/v1/openapi.json").content
