"""Reads of electronic supervision; statistics are aggregated in SQL, never per case in Python."""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.db.models import (
    Count,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.urls import reverse
from django.utils import timezone

from zhengwu.cases.models import Case
from zhengwu.cases.owners import CASE, STEP
from zhengwu.core.owners import KEY_SEPARATOR, owner_label, owner_ref_parse
from zhengwu.core.registries.workbench import Deadline, WorkCounts
from zhengwu.core.workdays import add_working_days
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from .models import Alert, Fault, SupervisionOrder
from .statistics import DEFAULT_PERIOD, PERIODS, department_statistics, period_bounds  # noqa: F401 - read here

PAGE_SIZE = 50
OPEN_STATUSES = (Case.Status.RUNNING, Case.Status.CORRECTION, Case.Status.SUSPENDED)


def is_supervisor(user) -> bool:
    return responsibility.posts_for(user).holds(Role.SUPERVISOR)


def _alerts_visible_to(user):
    """Alerts whose recipients include ``user``.

    Recipients: the handler (the person the step was transferred to, else every holder
    of the step's post in the department — window clerks sit in the service hall, so any
    window clerk), the head (an approver of the department: the post that signs for it)
    and all supervisors.
    """
    qs = Alert.objects.all()
    mine = responsibility.posts_for(user)
    if mine.holds(Role.SUPERVISOR):
        return qs
    if mine.user_id is None:
        return qs.none()
    # An acceptance step's clock names the item's department, but its post is taken in the
    # service hall for every department (cases' ``Case.step_unit_id``).
    clerk = Q(role=Role.WINDOW_CLERK) if mine.holds(Role.WINDOW_CLERK) else Q(pk__in=[])
    return qs.filter(
        Q(handler_id=mine.user_id)
        | Q(handler__isnull=True) & (clerk | mine.post_q(unit_field="unit_id", role_field="role"))
        | mine.q("unit_id", Role.APPROVER)
    )


def _alert_subjects(alerts: list[Alert]) -> None:
    """Set ``subject`` on each alert: what it is about, as staff name it (the case's receipt
    number and step rather than "cases.step#12/1"). One query for the cases of the page."""
    # What a clock's owner is, in words: the label its app declared (zhengwu.core.owners).
    refs = [owner_ref_parse(a.owner_type, a.owner_id) for a in alerts]

    def case_id(ref):
        if ref is None or ref.type not in (CASE, STEP):
            return None
        key = ref.parts[0]
        return int(key) if key.isdigit() else None

    ids = {case_id(ref) for ref in refs} - {None}
    receipts = dict(Case.objects.filter(pk__in=ids).values_list("pk", "receipt_no")) if ids else {}
    for a, ref in zip(alerts, refs, strict=True):
        label = owner_label(a.owner_type)
        key = a.owner_id
        if ref is not None and ref.type in (CASE, STEP):
            key = receipts.get(case_id(ref), ref.parts[0])
            step = ref.parts[1] if ref.type == STEP else ""
            if step.isdigit():
                key = f"{key} 第{int(step) + 1}环节"
        elif ref is not None and ref.type.prefix:
            key = "#" + ref.parts[-1]
        elif KEY_SEPARATOR in key:
            key = "#" + key.rsplit(KEY_SEPARATOR, 1)[1]
        a.subject = f"{label} {key}"


def alert_list(*, user, level: str | None = None, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Alert]:
    """Alerts the user receives, newest first, paged by key (``before_id``), each with its ``subject``."""
    qs = _alerts_visible_to(user).select_related("unit", "handler")
    if level:
        qs = qs.filter(level=level)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    rows = list(qs.order_by("-id")[:limit])
    _alert_subjects(rows)
    return rows


def fault_list(*, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Fault]:
    qs = Fault.objects.select_related("case", "person", "unit")
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.order_by("-id")[:limit])


def order_list(*, status: str | None = None, limit: int = PAGE_SIZE) -> list[SupervisionOrder]:
    qs = SupervisionOrder.objects.select_related("case", "case__item", "issued_by", "responded_by")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-id")[:limit])


def order_list_for_department_staff(*, user, limit: int = PAGE_SIZE) -> list[SupervisionOrder]:
    """督办 on cases of the departments where ``user`` holds a post (to respond to)."""
    qs = SupervisionOrder.objects.filter(
        responsibility.acts_for_q(user, "case__item__department_id")
    ).select_related("case", "case__item", "issued_by", "responded_by")
    return list(qs.order_by("status", "-id")[:limit])


# A 督办 is in its warning period from the working day before its feedback is due.
ORDER_WARN_DAYS = 1


def _open_orders(posts_of_user):
    return SupervisionOrder.objects.filter(
        posts_of_user.q("case__item__department_id"), status=SupervisionOrder.Status.OPEN,
    )


def order_workbench_counts(user, posts_of_user, today: date) -> WorkCounts:
    """待反馈/预警/逾期 督办 of the person's departments for the workbench (the page
    ``order_list_for_department_staff`` lists, open ones only): one aggregate query."""
    warn_until = add_working_days(today, ORDER_WARN_DAYS).due
    found = _open_orders(posts_of_user).aggregate(
        todo=Count("pk"),
        warning=Count("pk", filter=Q(due_on__gte=today, due_on__lte=warn_until)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    return WorkCounts(**found)


def order_workbench_deadlines(user, posts_of_user, today: date, *, limit: int = 10) -> list[Deadline]:
    rows = _open_orders(posts_of_user).filter(due_on=today).order_by("pk").values_list("case__receipt_no", flat=True)
    url = reverse("supervision:my_orders")
    return [Deadline("supervision_orders", f"督办反馈 {receipt_no}", url, today) for receipt_no in rows[:limit]]


def order_get(*, order_id: int) -> SupervisionOrder | None:
    return SupervisionOrder.objects.select_related("case", "case__item").filter(pk=order_id).first()


def _month_starts(today: date, months: int) -> list[datetime]:
    """Midnight, Beijing time, of the first day of each of the last ``months`` months
    (today's month last) and of the month after: the buckets' half-open boundaries."""
    index = today.year * 12 + today.month - 1 - (months - 1)  # months since year 0 of the first bucket
    zone = timezone.get_current_timezone()
    return [datetime((index + k) // 12, (index + k) % 12 + 1, 1, tzinfo=zone) for k in range(months + 1)]


def _month_bucket(field: str, starts: list[datetime]) -> DbCase:
    """The bucket (0 = oldest month) a timestamp falls in, from plain comparisons."""
    return DbCase(
        *(When(**{f"{field}__lt": hi}, then=Value(i)) for i, hi in enumerate(starts[1:])),
        default=Value(None), output_field=IntegerField(),
    )


def county_trend(*, today: date, months: int = 12) -> list[dict]:
    """County-wide per month (Beijing time): cases submitted, concluded and concluded on time.

    Each month is a half-open range of stored timestamps and the bucket comes from plain
    comparisons, so no per-row date function runs: on SQLite ``__date`` and ``TruncMonth``
    call back into Python for every row (24 s over 1,000,000 cases).
    """
    starts = _month_starts(today, months)
    out = [{"month": f"{lo:%Y-%m}", "submitted": 0, "concluded": 0, "on_time": 0} for lo in starts[:-1]]
    submitted = (
        Case.objects.filter(submitted_at__gte=starts[0], submitted_at__lt=starts[-1])
        .annotate(bucket=_month_bucket("submitted_at", starts)).values("bucket")
        .annotate(n=Count("pk")).order_by()
    )
    concluded = (
        Case.objects.filter(status=Case.Status.CONCLUDED, concluded_at__gte=starts[0], concluded_at__lt=starts[-1])
        .annotate(bucket=_month_bucket("concluded_at", starts)).values("bucket")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(clock__stopped_on__lte=F("clock__due_on")))).order_by()
    )
    for r in submitted:
        out[r["bucket"]]["submitted"] = r["n"]
    for r in concluded:
        out[r["bucket"]].update(concluded=r["n"], on_time=r["on_time"])
    return out


def rating_summary() -> list[dict] | None:
    """Per-department ratings from the ratings app when it is installed, else None.

    The ratings app is optional to supervision: it is asked, never imported at module
    level, through ``zhengwu.ratings.selectors.rating_department_summary()``.
    """
    if not apps.is_installed("zhengwu.ratings"):
        return None
    try:
        from zhengwu.ratings.selectors import rating_department_summary  # type: ignore[import-not-found]
    except ImportError:
        return None
    return list(rating_department_summary())
