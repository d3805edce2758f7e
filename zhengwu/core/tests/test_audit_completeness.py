"""Every audit row is complete, and an action whose row cannot be written does not happen."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.catalog.models import Item
from zhengwu.catalog.services import item_retire
from zhengwu.catalog.tests.factories import ItemFactory
from zhengwu.core import request_context
from zhengwu.core.audit import (
    EXPORT_COLUMNS,
    audit_chain_verify,
    audit_event_row,
    audit_record,
    audit_record_failure,
)
from zhengwu.core.middleware import RequestContextMiddleware
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import Assignment
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _in_request(ip, fn):
    """Run fn inside the request middleware, as a view would."""
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    result = {}

    def view(req):
        result["value"] = fn()
        from django.http import HttpResponse

        return HttpResponse()

    response = RequestContextMiddleware(view)(request)
    return result["value"], response["X-Request-ID"]


def test_row_has_time_actor_role_ip_action_object_result_and_request_id():
    # Given a staff member holding two posts, acting inside a request from 10.1.2.3,
    unit = UnitFactory()
    staff = StaffFactory()
    Assignment.objects.create(user=staff, unit=unit, role=Role.HANDLER)
    Assignment.objects.create(user=staff, unit=unit, role=Role.APPROVER)
    item = ItemFactory()

    # when the staff member retires an item,
    _, request_id = _in_request("10.1.2.3", lambda: item_retire(actor=staff, item=item, reason="职权调整"))

    # then its one audit row carries every field, the role filled from the posts.
    event = AuditEvent.objects.get(action="catalog.item.retire")
    event.refresh_from_db()
    assert event.actor_id == staff.pk
    assert event.actor_label == staff.audit_label
    assert event.role == "approver,handler"
    assert event.ip == "10.1.2.3"
    assert (event.object_type, event.object_id) == ("catalog.item", item.code)
    assert event.result == AuditEvent.Result.SUCCESS
    assert event.request_id == request_id
    assert event.time_display.endswith("+08:00")


def test_explicit_role_is_kept_and_system_actor_has_none():
    staff = StaffFactory()
    Assignment.objects.create(user=staff, unit=UnitFactory(), role=Role.HANDLER)
    with transaction.atomic():
        given = audit_record(actor=staff, action="test.explicit", role="reviewer")
        system = audit_record(actor=None, action="test.system")
    assert given.role == "reviewer"
    assert system.role == ""


def test_hash_canonical_form_and_export_carry_beijing_offset():
    with transaction.atomic():
        event = audit_record(actor=None, action="test.time", details={"身份": "x"})
    event = AuditEvent.objects.get(pk=event.pk)  # read back as stored (UTC on SQLite)
    from zhengwu.core.audit import _canonical

    assert json.loads(_canonical(event))["created_at"].endswith("+08:00")
    row = audit_event_row(event)
    assert row["time"].endswith("+08:00")
    assert set(row) == {key for key, _ in EXPORT_COLUMNS}
    assert row["result"] == "成功"


def test_action_whose_audit_row_cannot_be_written_does_not_happen():
    # Given an active item,
    item = ItemFactory()
    staff = StaffFactory()

    # when the audit row's INSERT fails in the database during a real retire,
    def fail_audit_insert(execute, sql, params, many, context):
        if sql.startswith("INSERT") and AuditEvent._meta.db_table in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_audit_insert):
        with pytest.raises(DatabaseError):
            item_retire(actor=staff, item=item, reason="职权调整")

    # then the item is not retired and no audit row exists.
    item = Item.objects.get(pk=item.pk)
    assert not item.is_retired
    assert item.retire_reason == ""
    assert not AuditEvent.objects.filter(action="catalog.item.retire").exists()
    assert audit_chain_verify().ok


def test_failure_row_is_written_with_request_context_and_survives():
    staff = StaffFactory()
    item = ItemFactory()

    def refused():
        return audit_record_failure(
            actor=staff, action="catalog.item.retire", obj=item, object_id=item.code,
            result=AuditEvent.Result.DENIED, details={"reason": "无权限"},
        )

    event, request_id = _in_request("192.168.0.9", refused)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.result == AuditEvent.Result.DENIED
    assert event.ip == "192.168.0.9"
    assert event.request_id == request_id
    assert audit_chain_verify().ok


def test_failure_row_refuses_to_hide_in_an_open_transaction():
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            audit_record_failure(actor=None, action="test.refused")


def test_failure_helper_refuses_a_success_result():
    with pytest.raises(ValueError):
        audit_record_failure(actor=None, action="test.ok", result=AuditEvent.Result.SUCCESS)


@pytest.mark.django_db(transaction=True)
def test_failure_row_commits_after_the_refused_transaction_rolled_back():
    # Given a change that is refused and rolled back,
    with pytest.raises(PermissionError):
        with transaction.atomic():
            audit_record(actor=None, action="test.change")
            raise PermissionError("refused")
    # when the refusal is recorded afterwards, outside any transaction,
    audit_record_failure(actor=None, action="test.change", result=AuditEvent.Result.DENIED)
    # then only the refusal row exists and the chain still verifies.
    assert list(AuditEvent.objects.values_list("action", "result")) == [("test.change", "denied")]
    assert audit_chain_verify().ok


def test_request_context_is_cleared_after_the_request():
    _in_request("10.0.0.1", lambda: None)
    assert request_context.current().ip is None
