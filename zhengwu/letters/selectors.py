"""Reads of the letters app: the writer's letters, the query by code, the staff inbox,
the public replies and the monthly statistics (set-based SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.clock import clock_colour
from zhengwu.core.errors import NotFound
from zhengwu.core.registries.workbench import Deadline, WorkCounts, clock_counts
from zhengwu.org import responsibility
from zhengwu.org.roles import Role

from . import posts
from .models import Event, Hop, Letter, Publication, Reply, Satisfaction
from .services.submission import normalise_query_code

NOT_FOUND_MESSAGE = "未找到该查询码对应的信件,请核对后重新输入"
STAFF_NOT_FOUND = "未找到该信件"
PAGE_SIZE = 20


def letter_by_code(code) -> Letter:
    """The letter with this query code; an unknown or malformed code is the same NotFound."""
    code = normalise_query_code(code)
    letter = (
        Letter.objects.select_related("department", "township").filter(query_code=code).first() if code else None
    )
    if letter is None:
        raise NotFound(NOT_FOUND_MESSAGE, code="letter_not_found")
    return letter


def letters_of_writer(*, user, limit: int = 200) -> list[Letter]:
    if not getattr(user, "pk", None):
        return []
    return list(
        Letter.objects.filter(writer_id=user.pk).select_related("department").order_by("-received_at", "-pk")[:limit]
    )


def letter_of_writer(*, user, query_code) -> Letter:
    code = normalise_query_code(query_code)
    letter = (
        Letter.objects.select_related("department", "township", "writer")
        .filter(query_code=code, writer_id=getattr(user, "pk", None)).first()
        if code else None
    )
    if letter is None:
        raise NotFound(STAFF_NOT_FOUND, code="letter_not_found")
    return letter


def approved_reply(letter: Letter) -> Reply | None:
    return (
        Reply.objects.select_related("unit").filter(letter_id=letter.pk, status=Reply.Status.APPROVED)
        .order_by("-decided_at", "-pk").first()
    )


def timeline(letter: Letter, *, public_only: bool) -> list[Event]:
    qs = Event.objects.filter(letter_id=letter.pk).select_related("unit", "actor").order_by("created_at", "pk")
    if public_only:
        qs = qs.filter(public=True)
    return list(qs)


def hops_of(letter: Letter) -> list[Hop]:
    return list(Hop.objects.filter(letter_id=letter.pk).select_related("unit", "clock", "opinion_by").order_by("pk"))


# ------------------------------------------------------------------ staff


def _visible_q(user) -> Q | None:
    """None: every letter; else the filter of letters that stopped at the user's departments."""
    if posts.sees_every_letter(user):
        return None
    mine = responsibility.acts_for_q(user, "unit_id", posts.DEPARTMENT_ROLES)
    return Q(Exists(Hop.objects.filter(mine, letter_id=OuterRef("pk"))))


INBOX_VIEWS = {
    "todo": "待我办理",
    "open": "全部在办",
    "done": "已办结",
    "all": "全部",
}


@dataclass
class InboxRow:
    letter: Letter
    due_on: date | None
    colour: str
    hop_unit: str


def staff_inbox(*, user, view: str = "todo", page: int = 1) -> tuple[list[InboxRow], bool]:
    """Letters for the staff member's inbox, newest first, one page; (rows, has_next)."""
    qs = Letter.objects.select_related("department")
    visible = _visible_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    open_statuses = [Letter.Status.SUBMITTED, Letter.Status.ACCEPTED, Letter.Status.HANDLING, Letter.Status.REVIEWING]
    if view == "todo":
        mine = responsibility.acts_for_q(user, "unit_id", posts.DEPARTMENT_ROLES)
        todo = Q(Exists(Hop.objects.filter(mine, letter_id=OuterRef("pk"), ended_at__isnull=True)))
        if posts.is_letter_clerk(user):
            todo |= Q(status__in=[Letter.Status.SUBMITTED, Letter.Status.ACCEPTED])
        qs = qs.filter(todo)
    elif view == "open":
        qs = qs.filter(status__in=open_statuses)
    elif view == "done":
        qs = qs.exclude(status__in=open_statuses)
    current = Hop.objects.filter(letter_id=OuterRef("pk"), ended_at__isnull=True).exclude(kind=Hop.Kind.JOINT).order_by("-pk")
    qs = qs.annotate(
        hop_due=Subquery(current.values("clock__due_on")[:1]),
        hop_warn=Subquery(current.values("clock__warn_on")[:1]),
        hop_state=Subquery(current.values("clock__state")[:1]),
        hop_unit_name=Subquery(current.values("unit__name")[:1]),
    ).order_by("-received_at", "-pk")
    page = max(int(page or 1), 1)
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    today = timezone.localdate()
    out = []
    for letter in rows[:PAGE_SIZE]:
        colour = ""
        if letter.hop_due is not None:
            colour = _colour(letter.hop_state, letter.hop_warn, letter.hop_due, today)
        out.append(InboxRow(letter, letter.hop_due, colour, letter.hop_unit_name or ""))
    return out, len(rows) > PAGE_SIZE


def _colour(state, warn_on, due_on, today) -> str:
    class _C:  # clock_colour needs only these attributes
        pass

    c = _C()
    c.state, c.warn_on, c.due_on = state, warn_on, due_on
    return clock_colour(c, today)


def staff_letter_get(*, user, letter_id) -> Letter:
    """The letter if the staff member may see it; otherwise the same NotFound as a missing id."""
    try:
        pk = int(letter_id)
    except (TypeError, ValueError):
        raise NotFound(STAFF_NOT_FOUND, code="letter_not_found") from None
    qs = Letter.objects.select_related("department", "township", "addressed_to", "writer", "duplicate_of")
    visible = _visible_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    letter = qs.filter(pk=pk).first()
    if letter is None:
        raise NotFound(STAFF_NOT_FOUND, code="letter_not_found")
    return letter


def letter_may_download(user, letter_id) -> bool:
    """Whether a staff member handles (or supervises) the letter: the attachment download rule."""
    try:
        staff_letter_get(user=user, letter_id=letter_id)
    except NotFound:
        return False
    return True


# ------------------------------------------------------------------ public


def published_list(*, page: int = 1, category: str = "") -> tuple[list[Publication], bool]:
    qs = Publication.objects.filter(status=Publication.Status.PUBLISHED).select_related(
        "letter", "letter__department",
    )
    if category:
        qs = qs.filter(letter__category=category)
    page = max(int(page or 1), 1)
    rows = list(qs.order_by("-published_at", "-pk")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def published_get(*, publication_id) -> Publication:
    try:
        pk = int(publication_id)
    except (TypeError, ValueError):
        pk = None
    publication = (
        Publication.objects.select_related("letter", "letter__department")
        .filter(pk=pk, status=Publication.Status.PUBLISHED).first() if pk else None
    )
    if publication is None:
        raise NotFound("未找到该公开信件", code="publication_not_found")
    return publication


@dataclass
class MonthStats:
    month: str  # "2026-03"
    received: int = 0
    replied: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time * 100 / self.replied, 1) if self.replied else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: 满意 and 基本满意 among all ratings."""
        return round((self.satisfied + self.basic) * 100 / self.rated, 1) if self.rated else None


def monthly_stats(*, months: int = 12, today: date | None = None) -> list[MonthStats]:
    """Received (by month received), replied and on time (by month replied), satisfaction (by month rated).

    Month buckets are date ranges computed here, so every query is a range over an index
    that covers it, with no per-row date function (a time-zone-aware month truncation
    costs seconds per 200,000 rows on SQLite): 3 small queries per month.
    """
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    bounds = []  # (key, start, end) in local time
    for _ in range(months):
        nxt_year, nxt_month = (year + 1, 1) if month == 12 else (year, month + 1)
        bounds.append((
            f"{year:04d}-{month:02d}",
            timezone.make_aware(datetime(year, month, 1), tz),
            timezone.make_aware(datetime(nxt_year, nxt_month, 1), tz),
        ))
        year, month = nxt_year, nxt_month
    out = []
    for key, lo, hi in bounds:
        # Each count reads one covering index range: (received_at), (replied_at, on_time),
        # (rated_at, satisfaction).
        stats = MonthStats(key, received=Letter.objects.filter(received_at__gte=lo, received_at__lt=hi).count())
        for row in (Letter.objects.filter(replied_at__gte=lo, replied_at__lt=hi)
                    .values("on_time").annotate(n=Count("pk")).order_by()):
            stats.replied += row["n"]
            stats.on_time += row["n"] if row["on_time"] else 0
        for row in (Letter.objects.filter(rated_at__gte=lo, rated_at__lt=hi).exclude(satisfaction="")
                    .values("satisfaction").annotate(n=Count("pk")).order_by()):
            stats.rated += row["n"]
            if row["satisfaction"] == Satisfaction.SATISFIED:
                stats.satisfied = row["n"]
            elif row["satisfaction"] == Satisfaction.BASIC:
                stats.basic = row["n"]
            elif row["satisfaction"] == Satisfaction.UNSATISFIED:
                stats.unsatisfied = row["n"]
        out.append(stats)
    return out


# ------------------------------------------------------------------ small reads for the pages


def townships():
    from zhengwu.org.models import Unit

    return list(Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET], is_active=True)
                .order_by("sort_order", "code"))


def departments():
    from zhengwu.org.models import Unit

    return list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True).order_by("sort_order", "code"))


def replies_of(letter: Letter) -> list[Reply]:
    return list(Reply.objects.filter(letter_id=letter.pk).select_related("unit", "drafted_by", "decided_by").order_by("pk"))


def pending_reply(letter: Letter) -> Reply | None:
    return (Reply.objects.filter(letter_id=letter.pk, status=Reply.Status.SUBMITTED)
            .select_related("drafted_by").order_by("-pk").first())


def publication_of(letter: Letter) -> Publication | None:
    return Publication.objects.filter(letter_id=letter.pk).first()


def sensitive_words():
    from .models import SensitiveWord

    return list(SensitiveWord.objects.order_by("level", "word"))


def sensitive_word_get(word_id):
    from .models import SensitiveWord

    try:
        pk = int(word_id)
    except (TypeError, ValueError):
        pk = None
    word = SensitiveWord.objects.filter(pk=pk).first() if pk else None
    if word is None:
        raise NotFound("敏感词不存在", code="letter_word_not_found")
    return word


# ------------------------------------------------------------------ the workbench


def letter_workbench_counts(user, posts_of_user, today: date) -> WorkCounts:
    """待办/预警/逾期 for the workbench: the open hops at the person's departments (the
    inbox's 待我办理, ``org.responsibility``), on their own clocks; one aggregate query.
    The letters office's clerks also have every letter still waiting to be sorted."""
    hops = Hop.objects.filter(posts_of_user.q("unit_id", posts.DEPARTMENT_ROLES), ended_at__isnull=True)
    counts = clock_counts(hops, "clock", today)
    if posts_of_user.holds(Role.LETTER_CLERK):
        waiting = Letter.objects.filter(status__in=[Letter.Status.SUBMITTED, Letter.Status.ACCEPTED]).count()
        counts = WorkCounts(counts.todo + waiting, counts.warning, counts.overdue)
    return counts


def letter_workbench_deadlines(user, posts_of_user, today: date, *, limit: int = 10) -> list[Deadline]:
    rows = (
        Hop.objects.filter(posts_of_user.q("unit_id", posts.DEPARTMENT_ROLES), ended_at__isnull=True,
                           clock__due_on=today, clock__state="running")
        .order_by("pk").values_list("letter_id", "letter__query_code")[:limit]
    )
    return [Deadline("letters", f"信件 {code}", reverse("letters:staff_detail", args=[pk]), today) for pk, code in rows]
