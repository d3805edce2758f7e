"""Schemathesis over every /api/v1/ operation: the document is a contract the server keeps.

Each operation of ``openapi.json`` gets property-based requests (valid and invalid data)
through the real Django WSGI application, as the caller its declaration names: nobody for
public operations, a citizen's session for applicant ones, a staff session with the
second factor verified for staff ones (CSRF cookie and header sent, as a browser would).
The demo county is loaded first, and every operation whose path names an object is also
run with the ids of real objects, so the answers are real detail pages, not only 404s.

Three checks, zero failures is the bar (issue 15): no 5xx; the status is one the
document lists for the operation; the body matches the schema documented for it.

Bounded: a fixed number of examples per operation and mode, derandomized, no deadline
(the machine is shared), no shrinking (a failure is reported as generated).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.api import api
from zhengwu.catalog.services import catalog_load
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.demo.services import demo_county_load, demo_extras_load
from zhengwu.demo.tests.test_load_demo_county import _small_catalog

# The demo county loads every app, the data exchange included (its own datastore alias).
pytestmark = pytest.mark.django_db(databases="__all__")

API_PREFIX = "/api/v1/"
STAFF_CASES = "/api/v1/staff/cases/"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Examples per operation, per generation mode and per parameter source (generated ids,
# real ids). ~45 operations x 2 modes x (1 or 2) x this = the run's size.
MAX_EXAMPLES = 25

REACHED_WITH_DATA = {
    "GET /api/v1/catalog/items/{code}",
    "GET /api/v1/disclosure/items/{disclosure_id}",
    "GET /api/v1/participation/questionnaires/{questionnaire_id}",
    "GET /api/v1/cases/mine",
    "GET /api/v1/disclosure-requests/{receipt_no}",
    "GET /api/v1/staff/cases/inbox",
    "GET /api/v1/staff/cases/{receipt_no}",
    "GET /api/v1/disclosure-requests/staff/{receipt_no}",
    "GET /api/v1/letters/staff/{letter_id}",
    "GET /api/v1/supervision/alerts",
    "GET /api/v1/insights/overview",
}

HYPOTHESIS_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
    print_blob=False,
)


def _document() -> dict:
    return api.get_openapi_schema(path_prefix=API_PREFIX)


@dataclass
class Caller:
    """Headers that make a request come from one persona's browser session."""

    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def _session_caller(name: str, user, *, staff: bool) -> Caller:
    client = Client()
    if staff:
        login_verified(client, user)
    else:
        client.force_login(user)
    csrf = _get_new_csrf_string()
    return Caller(
        name,
        cookies={django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                 django_settings.CSRF_COOKIE_NAME: csrf},
        headers={"X-CSRFToken": csrf},
    )


@dataclass
class World:
    callers: dict[str, Caller]
    path_values: dict[str, str]


def _load_world() -> World:
    from zhengwu.cases.services import case_act, case_submit
    from zhengwu.catalog.models import Item
    from zhengwu.disclosure.models import Disclosure
    from zhengwu.disclosure_requests.models import DisclosureRequest
    from zhengwu.letters.models import Letter
    from zhengwu.org.models import Assignment
    from zhengwu.org.roles import Role
    from zhengwu.participation.models import Questionnaire, Solicitation

    calendar_seed_from_package(actor=None)
    catalog_load(actor=None, data=_small_catalog())
    demo_county_load()
    demo_extras_load()

    from zhengwu.exchange.models import AccessRequest as ExchangeRequest
    from zhengwu.exchange.models import ApiKey as ExchangeKey
    from zhengwu.exchange.models import Resource as ExchangeResource

    citizen = User.objects.filter(kind=User.Kind.CITIZEN, is_demo=True).order_by("pk").first()
    clerk = User.objects.get(username="chuangkou")
    reviewer = User.objects.get(username="gaj_shenhe")
    item = Item.objects.filter(department__code="SLX-03", status=Item.Status.ACTIVE).order_by("code").first()
    # Two real cases of the demo citizen: one still at the window, one accepted to review.
    case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    at_review = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    case_act(actor=clerk, case=at_review, action="accept", expected_version=at_review.version)

    # The demo county's own staff, each with the post its operations ask for, so that every
    # staff operation answers as it does to its real users (not only 403).
    request = DisclosureRequest.objects.order_by("pk").first()
    officer = Assignment.objects.filter(unit=request.department, role=Role.DISCLOSURE_OFFICER).first().user
    staff = {
        STAFF_CASES: reviewer,
        "/api/v1/disclosure-requests/": officer,
        "/api/v1/supervision/": User.objects.get(username="jcj_jiancha"),
        "/api/v1/insights/": User.objects.get(username="jcj_jiancha"),
        "/api/v1/letters/": User.objects.get(username="xfj_fenban"),
        # 民政局's data steward: its department provides resources with rows in the demo.
        "/api/v1/exchange/": User.objects.get(username="mzj_shuju"),
    }
    steward_units = Assignment.objects.filter(user__username="mzj_shuju", role=Role.DATA_STEWARD).values("unit")
    resource = ExchangeResource.objects.filter(provider__in=steward_units).order_by("pk").first()

    letter = Letter.objects.order_by("pk").first()
    report_year = _published_report_year()
    values = {
        "code": item.code,
        "receipt_no": at_review.receipt_no,
        "disclosure_id": str(Disclosure.objects.filter(first_published_at__isnull=False).order_by("pk").first().pk),
        "letter_id": str(letter.pk),
        "solicitation_id": str(Solicitation.objects.order_by("pk").first().pk),
        "questionnaire_id": str(Questionnaire.objects.order_by("pk").first().pk),
        "year": str(report_year),
        "slug": resource.slug,
        "request_id": str(ExchangeRequest.objects.order_by("pk").values_list("pk", flat=True).first() or 1),
        "key_id": str(ExchangeKey.objects.order_by("pk").values_list("pk", flat=True).first() or 1),
    }
    return World(
        callers={
            "public": Caller("anonymous"),
            "applicant": _session_caller("citizen", citizen, staff=False),
            **{prefix: _session_caller(f"staff {user.username}", user, staff=True) for prefix, user in staff.items()},
        },
        path_values=values,
    )


def _published_report_year() -> int:
    from zhengwu.disclosure_requests.selectors import report as selectors_report

    for year in range(2030, 2000, -1):
        if selectors_report.published_report_get(year=year) is not None:
            return year
    return 2025


def _caller(operation, world: World) -> Caller:
    """Nobody, the citizen, or the staff member whose post the operation's path asks for."""
    security = operation.definition.raw.get("security") or []
    names = {name for requirement in security for name in requirement}
    if "StaffSessionAuth" in names:
        return next(c for prefix, c in world.callers.items() if operation.path.startswith(prefix))
    if "ApplicantSessionAuth" in names:
        return world.callers["applicant"]
    return world.callers["public"]


def _real_path_values(operation, world: World, receipts: dict[str, str]) -> dict[str, str] | None:
    names = [p.name for p in operation.path_parameters]
    if not names:
        return None
    values = dict(world.path_values)
    # The staff detail of a disclosure request and the citizen's own one take its number.
    if "/disclosure-requests/" in operation.path:
        values["receipt_no"] = receipts["disclosure_request"]
    elif "/letters/query/" in operation.path:
        values["code"] = receipts["letter_code"]
    return {name: values[name] for name in names}


@dataclass
class Tally:
    operations: int = 0
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)  # operations that answered 2xx at least once


def _run(operation, *, mode, caller: Caller, path_parameters, tally: Tally) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @HYPOTHESIS_SETTINGS
    @hypothesis.given(case=strategy)
    def check(case):
        tally.examples += 1
        response = case.call(headers=dict(caller.headers), cookies=dict(caller.cookies))
        if 200 <= response.status_code < 300:
            tally.answered.add(f"{operation.method.upper()} {operation.path}")
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            tally.failures.append(f"{operation.method.upper()} {operation.path}: no valid request can be generated")
        # Negative mode: the operation takes nothing that can be made invalid (no input,
        # or only a free-text path value), so there is nothing to send.
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is collected, the run goes on
        label = f"{operation.method.upper()} {operation.path} [{caller.name}, {mode.value}" + (
            ", real ids]" if path_parameters else "]"
        )
        text = str(exc) or "".join(traceback.format_exception_only(exc))
        tally.failures.append(f"{label}\n{text[:3000]}")


@pytest.fixture
def wsgi_keeps_the_test_connection():
    # The WSGI handler closes the database connection after each request, which would end
    # the test's transaction; Django's test client unhooks the same two receivers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_keeps_its_documented_contract(wsgi_keeps_the_test_connection):
    world = _load_world()
    from zhengwu.disclosure_requests.models import DisclosureRequest
    from zhengwu.letters.models import Letter

    receipts = {
        "disclosure_request": DisclosureRequest.objects.order_by("pk").first().receipt_no,
        "letter_code": Letter.objects.order_by("pk").first().query_code,
    }
    schema = schemathesis.openapi.from_dict(_document())
    schema.app = get_wsgi_application()
    tally = Tally()
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        caller = _caller(operation, world)
        real = _real_path_values(operation, world, receipts)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode=mode, caller=caller, path_parameters=None, tally=tally)
            if real:
                _run(operation, mode=mode, caller=caller, path_parameters=real, tally=tally)
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {tally.operations} operations, {tally.examples} examples, {elapsed:.1f} s, "
          f"{len(tally.failures)} failures; {len(tally.answered)} operations answered 2xx")
    print("no 2xx:", sorted(set(f"{m.upper()} {p}" for m, p in _operations_in(_document())) - tally.answered))

    assert tally.operations == len(_operations_in(_document()))
    # The sessions work and the ids are real: each persona's detail and list operations
    # answered with data at least once (else every check above could pass on 401s and 404s).
    assert REACHED_WITH_DATA <= tally.answered
    assert tally.failures == [], "\n\n".join(tally.failures)


def _operations_in(document: dict) -> list[tuple[str, str]]:
    return [(method, path) for path, methods in document["paths"].items() for method in methods]
