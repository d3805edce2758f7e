"""Reads of disclosure requests for the requester, the department's officers and the public query."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from zhengwu.core.clock import clock_colour
from zhengwu.core.errors import NotFound
from zhengwu.core.registries.workbench import Deadline, WorkCounts, clock_counts
from zhengwu.core.uploads import file_list
from zhengwu.org import responsibility

from ..models import DisclosureRequest, RequestEvent
from ..services import FILE_OBJECT_TYPE, REPLY_FILE_PURPOSE, STAFF_ROLES

PAGE_SIZE = 50
NOT_FOUND = "未找到该申请"


def _base() -> QuerySet:
    return DisclosureRequest.objects.select_related("department", "clock", "officer")


def _normalise(receipt_no) -> str:
    return str(receipt_no or "").strip().upper()[:20]


def request_list_for_applicant(*, user, limit: int = PAGE_SIZE) -> list[DisclosureRequest]:
    if not getattr(user, "pk", None):
        return []
    return list(_base().filter(applicant_id=user.pk).order_by("-received_on", "-id")[:limit])


def request_get_for_applicant(*, user, receipt_no) -> DisclosureRequest:
    """The requester's own request; anyone else's answers exactly like a missing one."""
    found = _base().filter(receipt_no=_normalise(receipt_no), applicant_id=getattr(user, "pk", None)).first()
    if found is None or getattr(user, "pk", None) is None:
        raise NotFound(NOT_FOUND, code="request_not_found")
    return found


def request_inbox(*, user, status: str | None = "open", today=None, limit: int = PAGE_SIZE) -> list[DisclosureRequest]:
    """Requests of the departments where the staff member is officer or head; oldest due first."""
    mine = responsibility.posts_for(user)
    if not mine.holds(STAFF_ROLES):
        return []
    qs = _base().filter(mine.q("department_id", STAFF_ROLES))
    if status == "open":
        qs = qs.exclude(status=DisclosureRequest.Status.REPLIED).order_by("clock__due_on", "id")
    elif status in DisclosureRequest.Status.values:
        qs = qs.filter(status=status).order_by("-received_on", "-id")
    else:
        qs = qs.order_by("-received_on", "-id")
    rows = list(qs[:limit])
    if today is not None:
        for r in rows:
            r.colour = clock_colour(r.clock, today) if r.is_open else "stopped"
    return rows


def request_get_for_staff(*, user, receipt_no) -> DisclosureRequest:
    found = _base().filter(responsibility.acts_for_q(user, "department_id", STAFF_ROLES),
                           receipt_no=_normalise(receipt_no)).first()
    if found is None:
        raise NotFound(NOT_FOUND, code="request_not_found")
    return found


def request_timeline(*, request: DisclosureRequest, for_requester: bool) -> list[RequestEvent]:
    events = list(RequestEvent.objects.filter(request_id=request.pk).select_related("actor").order_by("created_at", "id"))
    if for_requester:
        events = [e for e in events if not e.is_internal]
    return events


def request_files(*, request: DisclosureRequest) -> dict[str, list]:
    """The requester's attachments and the reply's disclosed files."""
    rows = list(file_list(object_type=FILE_OBJECT_TYPE, object_id=request.pk))
    return {
        "request": [f for f in rows if f.purpose != REPLY_FILE_PURPOSE],
        "reply": [f for f in rows if f.purpose == REPLY_FILE_PURPOSE],
    }


def request_due_on(request: DisclosureRequest):
    """The current reply due date, or None while the clock is stopped (waiting for a correction, replied)."""
    if request.status in (DisclosureRequest.Status.REPLIED, DisclosureRequest.Status.CORRECTION):
        return None
    return request.clock.due_on


def request_query_public(*, receipt_no, phone_tail) -> DisclosureRequest:
    """Status query by receipt number and the last four digits of the contact phone.

    A wrong tail and an unknown number give the same answer, so numbers cannot be probed.
    """
    tail = str(phone_tail or "").strip()
    found = _base().filter(receipt_no=_normalise(receipt_no)).first()
    if found is None or len(tail) != 4 or not tail.isdigit() or not (found.contact_phone or "").endswith(tail):
        raise NotFound("未找到该申请,请核对申请编号和联系电话后四位", code="request_not_found")
    return found


def request_workbench_counts(user, posts, today) -> WorkCounts:
    """待办/预警/逾期 for the workbench: the inbox's open requests (``org.responsibility``),
    by their reply clock; one aggregate query."""
    qs = DisclosureRequest.objects.filter(posts.q("department_id", STAFF_ROLES)).exclude(
        status=DisclosureRequest.Status.REPLIED)
    return clock_counts(qs, "clock", today)


def request_workbench_deadlines(user, posts, today, *, limit: int = 10) -> list[Deadline]:
    rows = (
        DisclosureRequest.objects.filter(posts.q("department_id", STAFF_ROLES), clock__due_on=today, clock__state="running")
        .exclude(status=DisclosureRequest.Status.REPLIED).order_by("pk").values_list("receipt_no", flat=True)[:limit]
    )
    return [Deadline("disclosure_requests", f"公开申请 {no}", reverse("disclosure_requests:staff_detail", args=[no]), today)
            for no in rows]
