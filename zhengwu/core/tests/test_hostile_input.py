"""No input reaches a 5xx (issue 15, finding 4), checked on the whole URL map.

Every page and every /api/v1/ operation is requested, as a persona allowed to use it,
once with its ordinary sample and then with each query parameter it reads set to a
hostile value: dates at the ends of the calendar, huge and negative numbers, words where
numbers belong, very long strings. Which parameters a page reads is observed, not
listed: the first request records every key the view asks ``request.GET`` for. API
operations also take their query parameters from the OpenAPI document. Every POST
operation of the API, and the staff action form, get deeply nested and oversized JSON.
Nothing may answer 5xx; an API never answers anything but JSON errors.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from zhengwu.api import api
from zhengwu.core import access
from zhengwu.core.api_auth import declared_audience

from .test_url_walk import (  # noqa: F401  (fixtures)
    API_SAMPLES,
    PAGE_SAMPLES,
    PERSONAS,
    _value,
    all_routes,
    api_operations,
    clients,
    expected_outcome,
    world,
)

# "__all__": the exchange catalog search reads its full-text index in the datastore alias.
pytestmark = pytest.mark.django_db(databases="__all__")

HOSTILE_VALUES = (
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59+08:00",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "²",  # str.isdigit() says yes, int() says no
    "x" * 5000,
)


@contextmanager
def recorded_query_keys():
    """Record every key a view asks a QueryDict (GET or POST) for."""
    keys: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "__getitem__", "getlist", "__contains__")}

    def wrap(name):
        original = originals[name]

        def recorder(self, key, *args, **kwargs):
            if isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)
        return recorder

    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def _allowed_persona(rule, sample) -> str | None:
    if sample.owner:
        return sample.owner
    return next((p.name for p in PERSONAS if expected_outcome(rule, p.name, sample) == "ok"), None)


def _no_raise(clients):
    for client in clients.values():
        client.raise_request_exception = False
    return clients


def _is_json_error(response) -> bool:
    if not response["Content-Type"].startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, dict) and {"code", "message", "details"} <= set(body)


def test_no_page_answers_5xx_to_hostile_query_values(world, clients):
    clients = _no_raise(clients)
    plan = []
    for route in all_routes():
        if route.namespace in ("admin", "api"):
            continue
        sample = PAGE_SAMPLES[route.name]
        persona = _allowed_persona(access.rule_of(route.callback), sample)
        if persona is None:
            continue
        url = reverse(route.name, kwargs={k: _value(v, world) for k, v in sample.kwargs.items()})
        with recorded_query_keys() as keys:
            clients[persona].get(url, sample.query)
        plan.append((persona, url, sample, keys - {"csrfmiddlewaretoken"}))
    # Keys the layout reads on every page (middleware, context processors) are tried on
    # the first page that reads them, not again on each of the others.
    counts: dict[str, int] = {}
    for *_, keys in plan:
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    shared = {key for key, n in counts.items() if n > len(plan) // 2}
    tried_shared: set[str] = set()
    failures = []
    checked = 0
    for persona, url, sample, keys in plan:
        own = (keys - shared) | (keys & shared - tried_shared)
        tried_shared |= keys & shared
        for key in sorted(own):
            for value in HOSTILE_VALUES:
                response = clients[persona].get(url, {**sample.query, key: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append(f"{persona} GET {url}?{key}={value[:30]}: {response.status_code}")
    assert checked > 200, "the walk found too few query parameters to be meaningful"
    assert not failures, "\n".join(failures)


def _openapi_query_names() -> dict[tuple[str, str], set[str]]:
    names: dict[tuple[str, str], set[str]] = {}
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            params = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            names[(method.upper(), path)] = params
    return names


def _api_url(path, sample, world):
    for key, value in sample.kwargs.items():
        path = path.replace("{" + key + "}", str(_value(value, world)))
    return path


def _api_rule(operation):
    roles = frozenset().union(*(getattr(cb, "roles", frozenset()) for cb in operation.auth_callbacks))
    return access.AccessRule(declared_audience(operation), roles)


def test_no_api_operation_answers_5xx_or_html_to_hostile_query_values(world, clients):
    clients = _no_raise(clients)
    declared = _openapi_query_names()
    failures = []
    for method, path, operation in api_operations():
        sample = API_SAMPLES[(method, path)]
        persona = _allowed_persona(_api_rule(operation), sample)
        if persona is None:
            continue
        client = clients[persona]
        url = _api_url(path, sample, world)
        with recorded_query_keys() as keys:
            client.generic(method, url, data="", QUERY_STRING="&".join(f"{k}={v}" for k, v in sample.query.items()))
        keys |= declared.get((method, path), set())
        for key in sorted(keys):
            for value in HOSTILE_VALUES:
                response = client.generic(method, url + "?" + "&".join(
                    f"{k}={v}" for k, v in {**sample.query, key: value}.items()), data="")
                if response.status_code >= 500:
                    failures.append(f"{persona} {method} {url}?{key}={value[:30]}: {response.status_code}")
                elif response.status_code >= 400 and not _is_json_error(response):
                    failures.append(f"{persona} {method} {url}?{key}={value[:30]}: {response.status_code} not JSON")
    assert not failures, "\n".join(failures)


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


HOSTILE_BODIES = {
    "nested objects": nested(100_000),
    "nested arrays": "[" * 100_000 + "]" * 100_000,
    "moderately nested": nested(200),
    "not json": "{'a': 1",
    "huge number": '{"expected_version": 1' + "0" * 5000 + "}",
    "wrong types": '{"action": [], "expected_version": "x", "payload": 7}',
}


def test_no_api_post_answers_5xx_or_html_to_hostile_json(world, clients):
    clients = _no_raise(clients)
    failures = []
    posts = 0
    for method, path, operation in api_operations():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        sample = API_SAMPLES[(method, path)]
        persona = _allowed_persona(_api_rule(operation), sample)
        if persona is None:
            continue
        posts += 1
        url = _api_url(path, sample, world)
        for label, body in HOSTILE_BODIES.items():
            response = clients[persona].generic(method, url, data=body, content_type="application/json")
            if response.status_code >= 500 or (response.status_code >= 400 and not _is_json_error(response)):
                failures.append(f"{persona} {method} {url} ({label}): {response.status_code}")
    assert posts >= 5
    assert not failures, "\n".join(failures)


def test_deeply_nested_json_to_staff_actions_is_a_400_with_the_error_body(world, clients):
    from zhengwu.cases.tests.staff_samples import staff_case_receipt

    url = f"/api/v1/staff/cases/{staff_case_receipt(world)}/actions"

    response = _no_raise(clients)["staff_x"].post(url, data=nested(50_000), content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "json_too_deep" and "层级" in body["message"]


def test_oversized_json_body_is_refused_before_parsing(world, clients, settings):
    settings.ZHENGWU_JSON_MAX_BYTES = 1024
    from zhengwu.cases.tests.staff_samples import staff_case_receipt

    url = f"/api/v1/staff/cases/{staff_case_receipt(world)}/actions"
    body = json.dumps({"action": "accept", "reason": "x" * 4096})

    response = _no_raise(clients)["staff_x"].post(url, data=body, content_type="application/json")

    assert response.status_code == 413 and response.json()["code"] == "body_too_large"


def test_an_unexpected_error_in_the_api_is_a_json_500_not_html(world, clients, monkeypatch):
    from zhengwu.catalog import api as catalog_api

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    operation = next(op for m, p, op in api_operations() if (m, p) == ("GET", "/api/v1/catalog/work-areas"))
    monkeypatch.setattr(operation, "view_func", broken)
    del catalog_api  # the operation holds its own reference to the view

    response = _no_raise(clients)["anonymous"].get("/api/v1/catalog/work-areas")

    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误,请稍后再试", "details": {}}


def test_search_far_future_date_is_a_form_error(world):
    response = Client().get("/search/", {"q": "办事", "date_to": "9999-12-31"})

    assert response.status_code in (200, 400)
    assert "日期" in response.content.decode()


def test_office_audit_ancient_date_is_a_form_error(world, clients):
    response = _no_raise(clients)["audit_admin"].get(reverse("portal:office_audit"), {"date_from": "0001-01-01"})

    assert response.status_code in (200, 400)
    assert "1900" in response.content.decode()
