"""Reads of cases and process definitions."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from zhengwu.catalog.models import Category
from zhengwu.core.errors import NotFound

from .. import engine
from ..models import Case, CaseEvent, ProcessDefinition

# One message for an unknown receipt number and for a wrong ID tail, so the public
# query never tells a guesser which receipt numbers exist.
PUBLIC_NOT_FOUND = "未查询到该办件,请核对受理编号和申请人证件号码后四位"


@dataclass(frozen=True)
class PublicStep:
    action: str
    step_name: str
    at: datetime


@dataclass(frozen=True)
class PublicCaseStatus:
    receipt_no: str
    item_name: str
    status: str
    status_label: str
    step_name: str
    submitted_at: datetime
    concluded_at: datetime | None
    expected_conclusion: date | None
    calendar_complete: bool
    timeline: list[PublicStep]


def process_definition_current(*, item) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(item=item, is_current=True).first()


def _identifier_tail(user) -> str:
    number = getattr(user, "id_number", None) or getattr(user, "credit_code", None) or ""
    return number.strip()[-4:].upper()


def case_get_public(*, receipt_no: str, id_tail: str) -> PublicCaseStatus:
    """The public status query: receipt number + last 4 characters of the applicant's ID.

    Unknown receipt and wrong tail raise the same NotFound. Shows no names of staff.
    """
    receipt_no = (receipt_no or "").strip().upper()
    tail = (id_tail or "").strip().upper()
    case = (
        Case.objects.select_related("item", "definition", "applicant", "clock")
        .filter(receipt_no=receipt_no)
        .first()
    )
    expected = _identifier_tail(case.applicant) if case is not None else "????"
    # Compare even when the case is missing, in constant time, so timing says nothing either.
    matches = hmac.compare_digest(expected.encode(), tail.encode())
    if case is None or len(tail) != 4 or len(expected) != 4 or not matches:
        raise NotFound(PUBLIC_NOT_FOUND, code="case_not_found")
    steps = case.definition.steps
    keys = {s["key"]: s["name"] for s in steps}
    events = CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", "step_key", "created_at")
    timeline = [PublicStep(engine.ACTION_LABELS.get(a, a), keys.get(k, k), at) for a, k, at in events]
    clock = case.clock
    return PublicCaseStatus(
        receipt_no=case.receipt_no,
        item_name=case.item.name,
        status=case.status,
        status_label=case.get_status_display(),
        step_name=steps[case.step_index]["name"],
        submitted_at=case.submitted_at,
        concluded_at=case.concluded_at,
        expected_conclusion=clock.due_on if clock is not None else None,
        calendar_complete=clock.calendar_complete if clock is not None else True,
        timeline=timeline,
    )


def process_definition_published(*, item) -> ProcessDefinition | None:
    """The flowchart an item page publishes, without writing anything.

    The current version when there is one; otherwise, for a power item, the unsaved
    default 受理→审查→审批→办结 definition that its first case would create
    (``services.process_default_for_item``), so a GET never inserts rows. None for
    other items without a definition.
    """
    current = process_definition_current(item=item)
    if current is not None:
        return current

    if item.category != Category.POWER:
        return None
    from ..services import default_steps_for

    return ProcessDefinition(item=item, version=0, is_current=False, steps=default_steps_for(item))


def licensing_decisions_count(*, year: int) -> int:
    """行政许可 本年处理决定数量: approval cases of power items decided (准予/不予) and concluded in the year."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    until = since.replace(year=year + 1)
    return (
        Case.objects.filter(
            status=Case.Status.CONCLUDED, item__category=Category.POWER,
            concluded_at__gte=since, concluded_at__lt=until,
            flags__decision__in=["approved", "rejected"],
        ).count()
    )
