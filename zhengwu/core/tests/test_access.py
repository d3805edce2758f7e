"""Deny by default: the @access contract, the middleware and the API's default auth."""

import logging

import pytest
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import include, path, reverse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError

from zhengwu import api as real_api_module
from zhengwu.accounts.decorators import role_required, staff_required
from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core import access
from zhengwu.core.access import APPLICANT, AUTHENTICATED, PUBLIC, STAFF
from zhengwu.core.api_auth import applicant_auth, public_auth, staff_auth
from zhengwu.core.errors import DomainError
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

# The module's own URL map (below), so each rule is tested on a view that does nothing else.
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _ok(request, *args, **kwargs):
    return HttpResponse("ok")


test_api = NinjaAPI(urls_namespace="api", auth=staff_auth, docs_url=None, openapi_url=None)
# The real API's error contract, so refusals look as they do under /api/v1/.
test_api.add_exception_handler(DomainError, real_api_module._domain_error)
test_api.add_exception_handler(AuthenticationError, real_api_module._unauthenticated)
test_api.add_exception_handler(HttpError, real_api_module._http_error)
_router = Router()


@_router.get("/staff", auth=staff_auth)
def _staff_op(request):
    return {"who": request.auth.username}


@_router.post("/staff", auth=staff_auth)
def _staff_post(request):
    return {"done": True}


@_router.get("/undeclared")
def _undeclared_op(request):
    return {"open": True}


@_router.get("/public", auth=public_auth)
def _public_op(request):
    return {"open": True}


@_router.get("/applicant", auth=applicant_auth)
def _applicant_op(request):
    return {"open": True}


test_api.add_router("/t/", _router)

urlpatterns = [
    path("api/", test_api.urls),
    path("accounts/", include("zhengwu.accounts.urls")),
    path("", include("zhengwu.portal.urls")),
    path("undeclared/", _ok, name="undeclared"),
    path("public/", access.access(PUBLIC)(_ok), name="public"),
    path("authenticated/", access.access(AUTHENTICATED)(_ok), name="authenticated"),
    path("applicant/", access.access(APPLICANT)(_ok), name="applicant"),
    path("staff/", access.access(STAFF)(_ok), name="staff"),
    path("approver/", access.access(STAFF, roles=[Role.APPROVER])(_ok), name="approver"),
    path("compat-staff/", staff_required(_ok), name="compat_staff"),
    path("compat-role/", role_required(Role.EDITOR, Role.PUBLISHER)(_ok), name="compat_role"),
]


@pytest.fixture
def county():
    root = org_services.unit_create(actor=None, code="A", name="示例县", kind=Unit.Kind.COUNTY)
    return org_services.unit_create(actor=None, code="A-1", name="县甲局", kind=Unit.Kind.DEPARTMENT, parent=root)


def _staff_with(county, role=None):
    user = StaffFactory()
    if role:
        org_services.assignment_grant(actor=None, user=user, unit=county, role=role)
        user.refresh_from_db()
    return user


# ------------------------------------------------------------------ the declaration


def test_unknown_audience_is_a_programming_error():
    with pytest.raises(ValueError):
        access.access("everyone")


def test_declaration_is_readable_from_the_wrapped_view():
    view = access.access(STAFF, roles=[Role.APPROVER])(_ok)

    assert access.rule_of(view) == access.AccessRule(STAFF, frozenset({"approver"}))
    assert access.rule_of(_ok) is None


# ------------------------------------------------------------------ the middleware


def test_undeclared_view_is_refused_for_everyone_and_logged(client, caplog):
    staff = StaffFactory()
    login_verified(client, staff)

    with caplog.at_level(logging.ERROR, logger="zhengwu.core.access"):
        response = client.get("/undeclared/")

    assert response.status_code == 403
    assert "未声明访问规则" in response.content.decode()
    assert any("undeclared" in r.getMessage() for r in caplog.records)


def test_undeclared_view_refuses_anonymous_too(client):
    assert client.get("/undeclared/").status_code == 403


def test_public_view_is_open_to_anonymous(client):
    assert client.get("/public/").content == b"ok"


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/authenticated/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/authenticated/"


def test_anonymous_asking_for_json_gets_401_in_chinese(client):
    response = client.get("/staff/", HTTP_ACCEPT="application/json")

    assert response.status_code == 401
    assert response.json()["message"] == "请先登录"


def test_staff_page_refuses_citizens(client):
    client.force_login(CitizenFactory())

    response = client.get("/staff/")

    assert response.status_code == 403
    assert "此页面仅供工作人员使用" in response.content.decode()


def test_applicant_page_refuses_staff(client):
    login_verified(client, StaffFactory())

    assert client.get("/applicant/").status_code == 403


def test_applicant_page_admits_citizens(client):
    client.force_login(CitizenFactory())

    assert client.get("/applicant/").content == b"ok"


def test_staff_without_second_factor_is_sent_to_verify(client):
    client.force_login(StaffFactory())

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_verified_staff_reach_staff_pages(client):
    login_verified(client, StaffFactory())

    assert client.get("/staff/").content == b"ok"


def test_role_page_needs_the_post(client, county):
    login_verified(client, _staff_with(county, Role.HANDLER))

    response = client.get("/approver/")

    assert response.status_code == 403
    assert "您没有担任可以访问此页面的岗位" in response.content.decode()


def test_role_page_admits_the_holder_of_the_post(client, county):
    login_verified(client, _staff_with(county, Role.APPROVER))

    assert client.get("/approver/").content == b"ok"


def test_role_check_fails_closed_without_a_configured_checker(client, county, settings):
    settings.ZHENGWU_ROLE_CHECKER = ""
    login_verified(client, _staff_with(county, Role.APPROVER))

    assert client.get("/approver/").status_code == 403


def test_superuser_without_a_post_is_refused_a_role_page(client, county):
    boss = StaffFactory(is_superuser=True, is_staff=True)
    login_verified(client, boss)

    assert client.get("/approver/").status_code == 403


def test_compat_decorators_follow_the_same_rules(client, county):
    editor = _staff_with(county, Role.EDITOR)
    login_verified(client, editor)

    assert client.get("/compat-staff/").content == b"ok"
    assert client.get("/compat-role/").content == b"ok"
    assert access.rule_of(staff_required(_ok)) == access.AccessRule(STAFF)


def test_inactive_user_counts_as_nobody(client):
    user = CitizenFactory()
    client.force_login(user)
    user.is_active = False
    user.save()

    response = client.get("/authenticated/")

    # Django's auth drops the inactive user's session, so this is the anonymous answer.
    assert response.status_code == 302


# ------------------------------------------------------------------ the API


def test_api_operation_without_auth_inherits_the_staff_default(client):
    client.force_login(CitizenFactory())

    response = client.get("/api/t/undeclared")

    assert response.status_code == 403
    assert response.json()["message"] == "此接口仅供工作人员使用"


def test_api_staff_operation_anonymous_gets_401_in_chinese(client):
    response = client.get("/api/t/staff")

    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "请先登录", "details": {}}


def test_api_staff_operation_refuses_citizens_with_403(client):
    client.force_login(CitizenFactory())

    response = client.get("/api/t/staff")

    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def test_api_staff_operation_needs_the_second_factor(client):
    client.force_login(StaffFactory())

    response = client.get("/api/t/staff")

    assert response.status_code == 403
    assert response.json()["message"] == "工作人员须先完成双因素认证"


def test_api_staff_operation_admits_verified_staff(client):
    staff = StaffFactory()
    login_verified(client, staff)

    response = client.get("/api/t/staff")

    assert response.status_code == 200
    assert response.json() == {"who": staff.username}


def test_api_session_post_without_csrf_token_is_refused_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, StaffFactory())

    response = client.post("/api/t/staff")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "安全校验失败" in response.json()["message"]


def test_api_anonymous_post_is_asked_to_log_in_before_any_csrf_question(db):
    # An anonymous caller has no session and so no CSRF token to send: the answer is
    # 401 "请先登录", not a 403 about a token it could never have had.
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/t/staff")

    assert response.status_code == 401
    assert "请先登录" in response.json()["message"]


def test_api_session_post_with_csrf_token_passes(db):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, StaffFactory())
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token

    response = client.post("/api/t/staff", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200


def test_api_public_operation_is_open_to_anonymous(client):
    assert client.get("/api/t/public").json() == {"open": True}


def test_api_applicant_operation_refuses_staff(client):
    login_verified(client, StaffFactory())

    response = client.get("/api/t/applicant")

    assert response.status_code == 403
    assert response.json()["message"] == "此接口仅供办事群众和企业使用"


def test_the_real_api_requires_staff_by_default():
    from zhengwu.api import api

    assert api.auth == [staff_auth]
