import datetime as dt

import pytest
from django.utils import timezone

from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import ingest, selectors, services
from zhengwu.exchange.models import AccessRequest, Grant, Resource

from .conftest import FIELDS, make_resource
from .helpers import GOOD_ROWS, NEXT_YEAR, TODAY, csv_bytes

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


def test_draft_review_publish_creates_the_typed_table(civil_resource):
    assert civil_resource.status == Resource.Status.PUBLISHED
    assert civil_resource.code == "304001001/000001"
    assert civil_resource.table_name.startswith("t_")
    assert ds.table_count(civil_resource.table_name) == 0
    assert AuditEvent.objects.filter(action="exchange.resource.publish").count() == 1


def test_only_the_data_office_publishes(civil_steward, civil, office_steward):
    r = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, publish=False)
    services.resource_submit(actor=civil_steward, resource=r)
    with pytest.raises(PermissionDenied):
        services.resource_review(actor=civil_steward, resource=r, approve=True)


def test_return_requires_a_note(civil_steward, civil, office_steward):
    r = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, publish=False)
    services.resource_submit(actor=civil_steward, resource=r)
    with pytest.raises(ValidationFailed):
        services.resource_review(actor=office_steward, resource=r, approve=False, note="")
    r = services.resource_review(actor=office_steward, resource=r, approve=False, note="信息项说明不全")
    assert r.status == Resource.Status.RETURNED


def test_other_department_cannot_draft_for_civil_affairs(edu_steward, civil):
    with pytest.raises(PermissionDenied):
        services.resource_create(actor=edu_steward, provider=civil, codes={}, data={}, fields=[])


@pytest.mark.parametrize("change, message", [
    ({"share_type": "none", "no_share_basis": ""}, "依据"),
    ({"share_type": "conditional", "share_conditions": ""}, "条件"),
    ({"share_type": "none", "no_share_basis": "法", "is_open": True}, "开放"),
])
def test_share_type_rules(civil_steward, civil, change, message):
    data = {"name": "名册", "format": "table", "share_type": "unconditional", "update_cycle": "monthly", **change}
    with pytest.raises(ValidationFailed, match=message):
        services.resource_create(actor=civil_steward, provider=civil, data=data, fields=FIELDS,
                                 codes={"class_code": "3", "item_code": "04", "catalog_code": "001",
                                        "detail_code": "001", "seq": 1})


@pytest.mark.parametrize("fields, message", [
    ([{"name": "Bad-Name", "type": "text"}], "字段名"),
    ([{"name": "a", "type": "text", "is_key": True}, {"name": "a", "type": "text"}], "重复"),
    ([{"name": "a", "type": "text"}], "主键"),
    ([{"name": "a", "type": "blob", "is_key": True}], "数据类型"),
])
def test_bad_fields_are_refused(civil_steward, civil, fields, message):
    with pytest.raises(ValidationFailed, match=message):
        services.resource_create(actor=civil_steward, provider=civil, fields=fields,
                                 data={"name": "名册", "format": "table", "share_type": "unconditional",
                                       "update_cycle": "monthly"},
                                 codes={"class_code": "3", "item_code": "04", "catalog_code": "001",
                                        "detail_code": "001", "seq": 1})


def test_classification_code_is_checked_and_unique(civil_steward, civil, civil_resource):
    with pytest.raises(ValidationFailed, match="项"):
        services.resource_create(
            actor=civil_steward, provider=civil, fields=FIELDS,
            data={"name": "x", "share_type": "unconditional", "update_cycle": "monthly"},
            codes={"class_code": "3", "item_code": "4", "catalog_code": "001", "detail_code": "001", "seq": 1})
    with pytest.raises(Conflict):
        services.resource_create(
            actor=civil_steward, provider=civil, fields=FIELDS,
            data={"name": "x", "share_type": "unconditional", "update_cycle": "monthly"},
            codes={"class_code": "3", "item_code": "04", "catalog_code": "001", "detail_code": "001", "seq": 1})


def test_a_field_change_makes_a_new_version_and_grants_keep_their_fields(civil_resource, civil_steward, edu,
                                                                          edu_steward):
    grant = Grant.objects.create(resource=civil_resource, consumer=edu, fields=["bh", "xm"], version=1,
                                 valid_from=timezone.localdate(), valid_until=timezone.localdate())
    revised = services.resource_revise(actor=civil_steward, resource=civil_resource,
                                       fields=FIELDS + [{"name": "lxdh", "title": "联系电话", "type": "text",
                                                         "personal": "phone"}])
    assert revised.version == 2
    assert [f.name for f in selectors.resource_fields(revised)][-1] == "lxdh"
    assert len(selectors.resource_fields(revised, version=1)) == len(FIELDS)
    grant.refresh_from_db()
    assert grant.fields == ["bh", "xm"]
    # The new column exists in the table: a load naming it works.
    run = ingest.resource_load_file(actor=civil_steward, resource=revised, file_name="a.csv", stream=csv_bytes(
        [r + ",13800001111" for r in GOOD_ROWS], header="bh,xm,sfzh,ssxz,je,djrq,lxdh"))
    assert run.rows_loaded == 3


def test_a_field_type_cannot_change_once_the_table_exists(civil_resource, civil_steward):
    changed = [dict(f) for f in FIELDS]
    changed[4] = {**changed[4], "type": "text"}
    with pytest.raises(ValidationFailed, match="数据类型"):
        services.resource_revise(actor=civil_steward, resource=civil_resource, fields=changed)


def _load(resource, steward):
    return ingest.resource_load_file(actor=steward, resource=resource, stream=csv_bytes(GOOD_ROWS), file_name="a.csv")


def test_request_refused_while_the_department_owes_data_with_the_list(civil_resource, edu, edu_steward,
                                                                      office_steward):
    owed = make_resource(steward=edu_steward, unit=edu, office_steward=office_steward, name="在校学生学籍",
                         share_type="unconditional")
    with pytest.raises(PermissionDenied) as exc:
        services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="核对资助对象",
                                fields=["bh", "xm"], period_from=TODAY, period_to=NEXT_YEAR,
                                legal_basis="《学生资助管理办法》")
    assert "在校学生学籍" in exc.value.message
    assert exc.value.details["owed"][0]["id"] == owed.pk
    assert not AccessRequest.objects.exists()


def test_the_data_office_can_switch_the_rule_off(civil_resource, edu, edu_steward, office_steward):
    make_resource(steward=edu_steward, unit=edu, office_steward=office_steward, name="在校学生学籍",
                  share_type="unconditional")
    with pytest.raises(PermissionDenied):
        services.config_set(actor=edu_steward, provide_first=False)
    services.config_set(actor=office_steward, provide_first=False)
    req = services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="核对",
                                  fields=["bh"], period_from=TODAY, period_to=NEXT_YEAR, legal_basis="依据")
    assert req.status == AccessRequest.Status.PENDING


def test_request_starts_a_ten_working_day_clock_for_the_provider(civil_resource, civil, edu, edu_steward):
    req = services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="核对资助对象",
                                  fields=["bh", "xm", "sfzh"], period_from=TODAY, period_to=NEXT_YEAR,
                                  legal_basis="依据")
    clock = Clock.objects.get(pk=req.clock_id)
    assert clock.limit_days == 10 and clock.unit_id == civil.pk and clock.owner_type == selectors.REQUEST_CLOCK


def test_refusal_needs_a_reason_and_grant_names_fields(civil_resource, civil_steward, edu, edu_steward):
    req = services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="核对",
                                  fields=["bh", "xm", "sfzh"], period_from=TODAY, period_to=NEXT_YEAR,
                                  legal_basis="依据")
    with pytest.raises(ValidationFailed):
        services.request_decide(actor=civil_steward, request=req, approve=False, reason=" ")
    with pytest.raises(PermissionDenied):
        services.request_decide(actor=edu_steward, request=req, approve=True)
    with pytest.raises(ValidationFailed):
        services.request_decide(actor=civil_steward, request=req, approve=True, fields=["bh", "je"])
    req = services.request_decide(actor=civil_steward, request=req, approve=True, fields=["bh", "sfzh"])
    grant = Grant.objects.get(request=req)
    assert grant.fields == ["bh", "sfzh"] and grant.plain_fields == []
    assert Clock.objects.get(pk=req.clock_id).state == Clock.State.STOPPED


@pytest.mark.parametrize("share_type, message", [("none", "不予共享"), ("unconditional", "无需申请")])
def test_none_and_unconditional_resources_cannot_be_requested(civil_steward, civil, office_steward, edu,
                                                              edu_steward, share_type, message):
    r = make_resource(steward=civil_steward, unit=civil, office_steward=office_steward, share_type=share_type)
    with pytest.raises((PermissionDenied, ValidationFailed), match=message):
        services.request_submit(actor=edu_steward, unit=edu, resource=r, purpose="p", fields=["bh"],
                                period_from=TODAY, period_to=NEXT_YEAR, legal_basis="b")


def test_request_for_unknown_fields_is_refused(civil_resource, edu, edu_steward):
    with pytest.raises(ValidationFailed, match="没有这些信息项"):
        services.request_submit(actor=edu_steward, unit=edu, resource=civil_resource, purpose="p",
                                fields=["bh", "nope"], period_from=TODAY, period_to=NEXT_YEAR,
                                legal_basis="b")


def test_loading_restarts_the_freshness_clock(civil_resource, civil_steward):
    _load(civil_resource, civil_steward)
    civil_resource.refresh_from_db()
    first = civil_resource.freshness_clock_id
    assert Clock.objects.get(pk=first).limit_days == 22
    _load(civil_resource, civil_steward)
    civil_resource.refresh_from_db()
    assert civil_resource.freshness_clock_id != first
    assert Clock.objects.get(pk=first).state == Clock.State.STOPPED


def test_an_overdue_resource_is_owed(civil_resource, civil_steward, civil):
    _load(civil_resource, civil_steward)
    civil_resource.refresh_from_db()
    assert selectors.owed_resources(civil) == []
    later = civil_resource.freshness_clock.due_on + dt.timedelta(days=1)
    assert [r.pk for r in selectors.owed_resources(civil, today=later)] == [civil_resource.pk]


def test_key_is_shown_once_and_stored_hashed(edu, edu_steward):
    key, raw = services.key_issue(actor=edu_steward, unit=edu, name="学籍系统")
    assert raw.startswith("zwk_") and raw not in key.digest and len(key.digest) == 64
    with pytest.raises(ValidationFailed):
        services.key_issue(actor=edu_steward, unit=edu, name="x", days=0)


def test_correction_ticket_runs_on_the_clock(civil_resource, civil_steward, edu, edu_steward):
    t = services.correction_report(actor=edu_steward, unit=edu, resource=civil_resource, record_key="M001",
                                   field="xm", description="姓名有误")
    assert Clock.objects.get(pk=t.clock_id).limit_days == services.CORRECTION_DAYS
    with pytest.raises(PermissionDenied):
        services.correction_answer(actor=edu_steward, ticket=t, fixed=True, reply="已改")
    t = services.correction_answer(actor=civil_steward, ticket=t, fixed=True, reply="已更正")
    assert t.status == "fixed" and Clock.objects.get(pk=t.clock_id).state == Clock.State.STOPPED
