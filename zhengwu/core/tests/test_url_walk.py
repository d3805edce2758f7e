"""Deny by default, checked on the whole URL map (MLPS level 3, 访问控制).

Every URL pattern and every /api/v1/ operation is requested as each persona: anonymous,
citizen A, citizen B, staff of department X, staff of department Y, and the three
separated administrators. What each persona should get is computed from the view's own
access declaration (``@access``, the admin namespace rule, the operation's ninja
``auth``) plus the object-ownership cases listed in the sample tables below; it is never
copied from observed responses.

Adding a URL or an API operation without an entry in ``PAGE_SAMPLES`` / ``API_SAMPLES``
fails ``test_every_url_has_a_declaration_and_a_sample``: a new module must say which
sample values its URLs take and, for owned objects, whose they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from ninja.constants import NOT_SET

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.api import api
from zhengwu.cases.tests.staff_samples import staff_case_receipt
from zhengwu.catalog.services import catalog_load
from zhengwu.core import access
from zhengwu.core.api_auth import declared_audience
from zhengwu.core.uploads import files_store
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import ADMIN_ROLE_PERMISSIONS, SEPARATED_ADMIN_ROLES, Role
from zhengwu.ratings.tests.url_samples import receipt_of_citizen_a

from .upload_samples import PDF_BYTES, upload

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------ personas


@dataclass(frozen=True)
class Persona:
    name: str
    kind: str | None  # None: anonymous
    roles: frozenset[str] = frozenset()


PERSONAS = (
    Persona("anonymous", None),
    Persona("citizen_a", User.Kind.CITIZEN),
    Persona("citizen_b", User.Kind.CITIZEN),
    Persona("staff_x", User.Kind.STAFF, frozenset({Role.HANDLER})),
    Persona("staff_y", User.Kind.STAFF, frozenset({Role.HANDLER})),
    Persona("system_admin", User.Kind.STAFF, frozenset({Role.SYSTEM_ADMIN})),
    Persona("security_admin", User.Kind.STAFF, frozenset({Role.SECURITY_ADMIN})),
    Persona("audit_admin", User.Kind.STAFF, frozenset({Role.AUDIT_ADMIN})),
)

# ------------------------------------------------------------------ sample tables


from .url_sample import Sample  # noqa: E402  (shared with the apps' url_samples modules)


CITIZENS = frozenset({"citizen_a", "citizen_b"})

PAGE_SAMPLES: dict[str, Sample] = {
    "accounts:login": Sample(ok=frozenset({200, 302})),
    "accounts:logout": Sample(ok=frozenset({405})),  # POST only
    "accounts:register": Sample(ok=frozenset({200, 302})),
    "accounts:me": Sample(),
    "accounts:password_change": Sample(),
    "accounts:session_keepalive": Sample(ok=frozenset({405})),  # POST only
    # POST only; the unmask service then checks the personal-data permission.
    "accounts:personal_data_unmask": Sample(kwargs={"user_id": lambda w: w.users["citizen_a"].pk}, ok=frozenset({405})),
    "accounts:mfa_verify": Sample(ok=frozenset({200, 302}), refused_by_view=CITIZENS),
    "accounts:mfa_enrol": Sample(ok=frozenset({200, 302}), refused_by_view=CITIZENS),
    "accounts:mfa_recovery": Sample(),
    "accounts:mfa_reset": Sample(),
    "accounts:password_reset": Sample(),
    "accounts:password_reset_confirm": Sample(ok=frozenset({302})),  # without a request first: back to it
    "accounts:privacy": Sample(),
    "accounts:privacy_consent": Sample(),
    "accounts:personal_data_download": Sample(ok=frozenset({405})),  # POST only
    "accounts:close": Sample(),
    "core:pending_upload": Sample(ok=frozenset({405})),  # POST only
    "core:pending_upload_remove": Sample(ok=frozenset({405})),  # POST only
    "core:file_download": Sample(kwargs={"file_id": lambda w: w.file_of_a.pk}, owner="citizen_a"),
    "seal:root": Sample(),
    # No county root exists in the walk's world: the download is a 404 for everyone.
    "seal:root_download": Sample(kwargs={"serial": "abc123", "fmt": "pem"}, ok=frozenset({404})),
    "portal:home": Sample(),
    "portal:disclosure": Sample(),
    "portal:services": Sample(),
    "portal:participation": Sample(),
    "portal:catalog": Sample(),
    "portal:departments": Sample(),
    "portal:townships": Sample(),
    "portal:item": Sample(kwargs={"code": "QL017"}),
    "cases:item_flow_bpmn": Sample(kwargs={"code": "QL017"}),
    "cases:apply_items": Sample(),
    # The walk's catalog has no item open to online applying (no material lists): the view
    # refuses citizens with the in-person instructions (issue 16).
    "cases:apply": Sample(kwargs={"code": "QL017"}, refused_by_view=CITIZENS),
    "cases:window_items": Sample(),
    "cases:window_apply": Sample(kwargs={"code": "QL017"}),
    # Agent pages: any staff may ask; the view refuses those with no township/service-point post.
    "cases:agent_items": Sample(refused_by_view=frozenset({"staff_x", "staff_y", "system_admin", "security_admin", "audit_admin"})),
    "cases:agent_apply": Sample(
        kwargs={"code": "QL017"},
        refused_by_view=frozenset({"staff_x", "staff_y", "system_admin", "security_admin", "audit_admin"}),
    ),
    "cases:mine": Sample(),
    "cases:mine_detail": Sample(kwargs={"receipt_no": receipt_of_citizen_a}, owner="citizen_a"),
    "cases:status": Sample(),
    "portal:elderly": Sample(ok=frozenset({302})),
    "portal:office": Sample(),
    "portal:office_audit": Sample(),
    "supervision:dashboard": Sample(),
    "supervision:alerts": Sample(),
    "supervision:faults": Sample(),
    "supervision:orders": Sample(),
    "supervision:my_orders": Sample(),
    "supervision:order_respond": Sample(kwargs={"order_id": 1}, ok=frozenset({405})),  # POST only
    "cases_staff:inbox": Sample(),
    "cases_staff:case": Sample(kwargs={"receipt_no": staff_case_receipt}, owner="staff_x"),
    "ratings:rate": Sample(kwargs={"receipt_no": receipt_of_citizen_a}, owner="citizen_a"),
    "ratings:rectifications": Sample(),
    "ratings:rectification_stage": Sample(kwargs={"rectification_id": 1}, ok=frozenset({405})),  # POST only
    "notifications:centre": Sample(),
    "notifications:read": Sample(kwargs={"message_id": 1}, ok=frozenset({405})),  # POST only
    "notifications:read_all": Sample(ok=frozenset({405})),  # POST only
}

# Views ninja adds to the API namespace besides the operations: the schema and its docs
# are public on purpose (an open API documents itself); the bare root is a 404.
API_SITE_SAMPLES: dict[str, Sample] = {
    "api:openapi-json": Sample(),
    "api:openapi-view": Sample(),
    "api:api-root": Sample(ok=frozenset({404})),
}

# (method, path with {params}) → sample. Path params are filled from ``kwargs``.
API_SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/api/v1/calendar/deadline"): Sample(query={"start": "2026-01-05", "working_days": "3"}),
    ("GET", "/api/v1/calendar/workdays"): Sample(query={"start": "2026-01-05", "end": "2026-01-30"}),
    ("GET", "/api/v1/calendar/years"): Sample(),
    ("GET", "/api/v1/catalog/items"): Sample(query={"page_size": "5"}),
    ("GET", "/api/v1/catalog/items/{code}"): Sample(kwargs={"code": "QL017"}),
    ("GET", "/api/v1/catalog/work-areas"): Sample(),
    ("GET", "/api/v1/supervision/alerts"): Sample(),
    ("GET", "/api/v1/supervision/departments/stats"): Sample(),
    ("GET", "/api/v1/staff/cases/inbox"): Sample(),
    ("GET", "/api/v1/staff/cases/{receipt_no}"): Sample(kwargs={"receipt_no": staff_case_receipt}, owner="staff_x"),
    # An empty body: the owner gets the Chinese 400, everyone else the case's 404.
    ("POST", "/api/v1/staff/cases/{receipt_no}/actions"): Sample(
        kwargs={"receipt_no": staff_case_receipt}, owner="staff_x", ok=frozenset({400})),
    ("GET", "/api/v1/cases/items"): Sample(query={"page_size": "5"}),
    ("POST", "/api/v1/cases/submit"): Sample(ok=frozenset({422})),  # empty body: item_code missing
    ("GET", "/api/v1/cases/mine"): Sample(),
    # Posted without a body (the tail stays out of URLs): the 422 of a missing id_tail.
    ("POST", "/api/v1/cases/{receipt_no}/status"): Sample(
        kwargs={"receipt_no": "ZW20260101999999"}, ok=frozenset({422})
    ),
}

def _merge_app_samples():
    """Add each app's own sample tables (``zhengwu/<app>/tests/url_samples.py``)."""
    import importlib

    from django.apps import apps as django_apps

    for config in django_apps.get_app_configs():
        if not config.name.startswith("zhengwu."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.url_samples")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.url_samples":
                raise
            continue
        for table, extra in ((PAGE_SAMPLES, getattr(module, "PAGE_SAMPLES", {})), (API_SAMPLES, getattr(module, "API_SAMPLES", {}))):
            clash = set(table) & set(extra)
            assert not clash, f"{config.name}: samples already declared elsewhere: {sorted(clash)}"
            table.update(extra)


_merge_app_samples()

ADMIN_PERSONAS = frozenset(p.name for p in PERSONAS if p.roles & SEPARATED_ADMIN_ROLES)

# ------------------------------------------------------------------ the world


@dataclass
class World:
    users: dict[str, User]
    units: dict[str, Unit]
    file_of_a: object


@pytest.fixture
def world(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    catalog_load(actor=None)
    county = org_services.unit_create(actor=None, code="W", name="示例县", kind=Unit.Kind.COUNTY)
    units = {
        "x": org_services.unit_create(actor=None, code="W-X", name="县X局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "y": org_services.unit_create(actor=None, code="W-Y", name="县Y局", kind=Unit.Kind.DEPARTMENT, parent=county),
    }
    users: dict[str, User] = {}
    for persona in PERSONAS:
        if persona.kind == User.Kind.CITIZEN:
            users[persona.name] = CitizenFactory()
        elif persona.kind == User.Kind.STAFF:
            user = StaffFactory(username=persona.name.replace("_", ""))
            unit = units["y"] if persona.name == "staff_y" else units["x"]
            for role in persona.roles:
                org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
            user.refresh_from_db()
            users[persona.name] = user
    [file_of_a] = files_store(
        actor=users["citizen_a"], uploads=[upload("身份证明.pdf", PDF_BYTES)],
        purpose="identity_proof", owner=users["citizen_a"],
    )
    return World(users=users, units=units, file_of_a=file_of_a)


@pytest.fixture
def clients(world):
    out = {}
    for persona in PERSONAS:
        client = Client()
        user = world.users.get(persona.name)
        if persona.kind == User.Kind.STAFF:
            login_verified(client, user)  # staff pass the second factor, as in real use
        elif user is not None:
            client.force_login(user)
        out[persona.name] = client
    return out


# ------------------------------------------------------------------ URL enumeration


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "namespace:<pattern>" for an unnamed pattern
    namespace: str
    pattern: str
    callback: object


def _walk(patterns, prefix="", namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            label = entry.name or f"<{pattern}>"
            yield Route(":".join(namespaces + (label,)), namespaces[0] if namespaces else "", pattern, entry.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def api_operations():
    """Yield (method, path, operation) for every bound /api/v1/ operation."""
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = "/api/v1/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            full = re.sub(r"{[^}:]+:", "{", full)
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, full, operation


# ------------------------------------------------------------------ expectations


def _roles_of(name: str) -> frozenset[str]:
    return next(p.roles for p in PERSONAS if p.name == name)


def _kind_of(name: str) -> str | None:
    return next(p.kind for p in PERSONAS if p.name == name)


def expected_outcome(rule: access.AccessRule | None, persona: str, sample: Sample) -> str:
    """'ok', 'login', 'forbidden' or 'not_found', from the declaration and the sample."""
    if rule is None:
        return "forbidden"  # undeclared: the middleware refuses everybody
    kind = _kind_of(persona)
    if rule.audience == access.PUBLIC:
        return "ok"
    if kind is None:
        return "login"
    if rule.audience == access.APPLICANT and kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        return "forbidden"
    if rule.audience == access.STAFF and kind != User.Kind.STAFF:
        return "forbidden"
    if rule.roles and not (rule.roles & _roles_of(persona)):
        return "forbidden"
    if persona in sample.refused_by_view:
        return "forbidden"
    if sample.owner and persona != sample.owner:
        return "not_found"
    return "ok"


def _value(v, world):
    return v(world) if callable(v) else v


def _describe(response) -> str:
    return f"{response.status_code} {response.get('Location', '')}".strip()


def _check(outcome: str, response, sample: Sample) -> bool:
    status = response.status_code
    if outcome == "ok":
        return status in sample.ok and not _is_login_redirect(response)
    if outcome == "login":
        return _is_login_redirect(response)
    if outcome == "forbidden":
        return status == 403
    return status == 404


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# ------------------------------------------------------------------ tests


def test_every_url_has_a_declaration_and_a_sample():
    problems = []
    for route in all_routes():
        if route.namespace == "admin":
            if route.namespace not in access.NAMESPACE_RULES:
                problems.append(f"{route.name}: admin without a namespace rule")
            continue
        if route.namespace == "api":
            continue  # operations are checked one by one below, by method and path
        if route.name not in PAGE_SAMPLES:
            problems.append(f"{route.name} ({route.pattern}): no entry in PAGE_SAMPLES")
        if access.rule_of(route.callback) is None:
            problems.append(f"{route.name} ({route.pattern}): no @access declaration")
    for name in PAGE_SAMPLES:
        if name not in {r.name for r in all_routes()}:
            problems.append(f"{name}: PAGE_SAMPLES entry for a URL that no longer exists")
    api_site_names = {r.name for r in all_routes() if r.namespace == "api"}
    for name in API_SITE_SAMPLES:
        if name not in api_site_names:
            problems.append(f"{name}: API_SITE_SAMPLES entry for a URL that no longer exists")
    seen = set()
    for method, path, operation in api_operations():
        seen.add((method, path))
        if (method, path) not in API_SAMPLES:
            problems.append(f"{method} {path}: no entry in API_SAMPLES")
        if operation.auth_param is NOT_SET:
            problems.append(f"{method} {path}: no explicit auth= declaration")
        if declared_audience(operation) is None:
            problems.append(f"{method} {path}: auth is not one of zhengwu.core.api_auth's")
    for key in API_SAMPLES:
        if key not in seen:
            problems.append(f"{key}: API_SAMPLES entry for an operation that no longer exists")
    assert not problems, "\n".join(problems)


def test_every_back_office_page_is_declared_for_staff():
    office = [r for r in all_routes() if r.pattern.startswith("office/")]

    assert office, "the walk found no /office/ pages"
    for route in office:
        rule = access.rule_of(route.callback)
        assert rule is not None and rule.audience == access.STAFF, route.name


def test_the_api_site_views_are_the_only_api_views_that_are_not_operations():
    operation_paths = {path for _, path, _ in api_operations()}
    others = {
        route.name for route in all_routes()
        if route.namespace == "api"
        and re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + route.pattern).rstrip("/") not in operation_paths
    }
    assert others == set(API_SITE_SAMPLES)


def test_every_page_answers_each_persona_as_declared(world, clients):
    failures = []
    for route in all_routes():
        if route.namespace in ("admin", "api"):
            continue
        sample = PAGE_SAMPLES[route.name]
        rule = access.rule_of(route.callback)
        url = reverse(route.name, kwargs={k: _value(v, world) for k, v in sample.kwargs.items()})
        for persona in PERSONAS:
            response = clients[persona.name].get(url, sample.query)
            outcome = expected_outcome(rule, persona.name, sample)
            if response.status_code >= 500 or not _check(outcome, response, sample):
                failures.append(f"{persona.name} GET {url}: expected {outcome}, got {_describe(response)}")
    assert not failures, "\n".join(failures)


def test_the_api_site_views_are_public_and_never_fail(clients):
    failures = []
    for name, sample in API_SITE_SAMPLES.items():
        url = reverse(name)
        for persona in PERSONAS:
            response = clients[persona.name].get(url)
            if response.status_code not in sample.ok:
                failures.append(f"{persona.name} GET {url}: got {_describe(response)}")
    assert not failures, "\n".join(failures)


def _has_chinese_message(response) -> bool:
    try:
        message = response.json().get("message", "")
    except ValueError:
        return False
    return bool(re.search(r"[\u4e00-\u9fff]", message))


def test_every_api_operation_answers_each_persona_as_declared(world, clients):
    failures = []
    for method, path, operation in api_operations():
        sample = API_SAMPLES[(method, path)]
        audience = declared_audience(operation)
        roles = frozenset().union(*(getattr(cb, "roles", frozenset()) for cb in operation.auth_callbacks))
        rule = access.AccessRule(audience, roles)
        url = path
        for key, value in sample.kwargs.items():
            url = url.replace("{" + key + "}", str(_value(value, world)))
        for persona in PERSONAS:
            response = clients[persona.name].generic(method, url, data="", QUERY_STRING="&".join(
                f"{k}={v}" for k, v in sample.query.items()))
            outcome = expected_outcome(rule, persona.name, sample)
            wanted = {"ok": sample.ok, "login": {401}, "forbidden": {403}, "not_found": {404}}[outcome]
            if response.status_code not in wanted:
                failures.append(f"{persona.name} {method} {url}: expected {outcome}, got {response.status_code}")
            elif outcome != "ok" and not _has_chinese_message(response):
                failures.append(f"{persona.name} {method} {url}: refusal without a Chinese JSON message")
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------------ the admin


def _admin_models() -> dict[str, type]:
    """'app_model' prefix of admin URL names → model."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _admin_url(route: Route) -> str:
    """Fill an admin pattern with plausible values (an existing row where there is one)."""
    pattern = route.pattern
    models = _admin_models()
    prefix = next((p for p in sorted(models, key=len, reverse=True) if f"/{p.replace('_', '/', 1)}/" in "/" + pattern), None)
    model = models.get(prefix) if prefix else None
    pk = model.objects.values_list("pk", flat=True).order_by("pk").first() if model else None
    filled = pattern.replace("<path:object_id>", str(pk or 1)).replace("<path:content_type_id>", "1")
    filled = filled.replace("^(?P<app_label>", "(?P<app_label>")
    filled = re.sub(r"\(\?P<app_label>[^)]*\)", "org", filled)
    filled = re.sub(r"\(\?P<url>\.\*\)", "no-such-page/", filled)
    filled = filled.replace("^", "").replace("$", "")
    return "/" + filled


def test_the_admin_is_for_the_separated_administrators_only(world, clients):
    failures = []
    for route in all_routes():
        if route.namespace != "admin":
            continue
        url = _admin_url(route)
        for persona in PERSONAS:
            response = clients[persona.name].get(url)
            if response.status_code >= 500:
                failures.append(f"{persona.name} GET {url}: {response.status_code}")
            elif persona.kind is None:
                if not _is_login_redirect(response):
                    failures.append(f"anonymous GET {url}: expected login, got {_describe(response)}")
            elif persona.name not in ADMIN_PERSONAS:
                if response.status_code != 403:
                    failures.append(f"{persona.name} GET {url}: expected 403, got {_describe(response)}")
            elif _is_login_redirect(response):
                failures.append(f"{persona.name} GET {url}: sent to login")
    assert not failures, "\n".join(failures)


def _model_reader(model, role: str) -> bool:
    """Whether ``role``'s declared permissions let it read ``model`` in the admin."""
    label = model._meta.app_label
    name = model._meta.model_name
    granted = set(ADMIN_ROLE_PERMISSIONS.get(role, ()))
    return bool(granted & {f"{label}.view_{name}", f"{label}.change_{name}"})


def test_each_admin_changelist_opens_only_for_the_posts_granted_it(world, clients):
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for persona in PERSONAS:
            if persona.name not in ADMIN_PERSONAS:
                continue
            [role] = persona.roles
            expected = 200 if _model_reader(model, role) else 403
            response = clients[persona.name].get(url)
            if response.status_code != expected:
                failures.append(f"{persona.name} GET {url}: expected {expected}, got {_describe(response)}")
    assert not failures, "\n".join(failures)


def test_admin_site_roles_match_the_separated_admin_roles():
    assert access.ADMIN_SITE_ROLES == {str(r) for r in SEPARATED_ADMIN_ROLES}
    assert access.AUDIT_ADMIN_ROLE == Role.AUDIT_ADMIN


# ------------------------------------------------------------------ ownership, spelled out


def test_citizen_b_gets_404_for_citizen_a_file_exactly_like_an_unknown_id(world, clients):
    url = reverse("core:file_download", kwargs={"file_id": world.file_of_a.pk})
    unknown = reverse("core:file_download", kwargs={"file_id": "00000000-0000-4000-8000-000000000000"})

    mine = clients["citizen_a"].get(url)
    theirs = clients["citizen_b"].get(url)
    missing = clients["citizen_b"].get(unknown)

    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF_BYTES
    assert theirs.status_code == missing.status_code == 404
    # Same words for "not yours" and "no such file", so ids cannot be probed.
    assert "文件不存在或您无权下载" in theirs.content.decode()
    assert "文件不存在或您无权下载" in missing.content.decode()


def test_staff_without_a_rule_for_the_purpose_cannot_download_a_citizen_file(world, clients):
    url = reverse("core:file_download", kwargs={"file_id": world.file_of_a.pk})

    for persona in ("staff_x", "staff_y", "system_admin", "security_admin", "audit_admin"):
        assert clients[persona].get(url).status_code == 404, persona
