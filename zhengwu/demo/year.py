"""A year of living history for the demo county (issue 17, ADR 0015).

Built once, on the first ``make run`` (``manage.py build_demo_year``), through the
platform's own services: cases across the last twelve months on the real working-day
clocks (corrections, returns, suspensions, some late steps), letters with topics by
township and season, disclosure items and requests, ratings and page visits. Every
dashboard then has a year of figures.

The services stamp ``timezone.now()``; each simulated step runs inside
``time_machine.travel(moment)`` (ADR 0015), in time order over the whole county, so a
case submitted in March is accepted, reviewed and concluded on March and April's
working days, and the supervision sweep runs on the simulated days in between. Steps
that would fall after now are not taken: the last weeks' cases stay open.

Deterministic: one seeded ``random.Random``. An audit row ``demo.year.build`` marks the
year as built; a second run does nothing.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.utils import timezone

from zhengwu.accounts import mfa as account_mfa
from zhengwu.accounts import services as account_services
from zhengwu.accounts.models import User
from zhengwu.cases.models import Case
from zhengwu.cases.services import case_act, case_submit
from zhengwu.catalog.models import Item
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import DomainError
from zhengwu.core.models import AuditEvent
from zhengwu.core.workdays import is_workday
from zhengwu.disclosure import services as disclosure_services
from zhengwu.disclosure_requests import services as request_services
from zhengwu.disclosure_requests.codes import RequesterSubtype
from zhengwu.letters import services as letter_services
from zhengwu.letters.models import Letter
from zhengwu.org import services as org_services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.responsibility import post_holders
from zhengwu.org.roles import Role
from zhengwu.ratings.services import rating_submit
from zhengwu.supervision.services import supervision_sweep
from zhengwu.webstats.services import pageviews_add

from .year_data import (
    CASE_ITEMS,
    DISCLOSURE_TOPICS,
    LETTER_TOPICS,
    REQUEST_TOPICS,
    REPLY_TEXTS,
    TOWNSHIPS,
    VISITED_PAGES,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARKER = "demo.year.build"
PASSWORD_KEY = "password"


@dataclass
class YearReport:
    built: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: the figure that does not depend on the machine's load
    counts: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    timings: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        if not self.built:
            return "一年演示数据:已建立过,未重复创建"
        c = self.counts
        return (f"一年演示数据:办件 {c['cases']} 件(办结 {c['concluded']}、补正 {c['corrections']}、退回 {c['returns']}、"
                f"特别程序 {c['suspensions']}、超期环节 {c['late_steps']}),信件 {c['letters']} 封,"
                f"公开信息 {c['disclosures']} 条,依申请公开 {c['requests']} 件,评价 {c['ratings']} 条,"
                f"页面浏览 {c['pageviews']} 次,"
                f"用时 {self.seconds:.1f} 秒(本进程 CPU {self.cpu_seconds:.1f} 秒)")


def demo_year_built() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


class _Timeline:
    """Simulated steps in time order; each runs at its moment under ``time_machine``."""

    def __init__(self, now: datetime):
        self.now = now
        self._heap: list[tuple[datetime, int, str, Callable[[], None]]] = []
        self._seq = 0

    def at(self, moment: datetime, step: Callable[[], None], label: str = "") -> bool:
        if moment >= self.now:
            return False  # not yet: this step is still to come
        self._seq += 1
        heapq.heappush(self._heap, (moment, self._seq, label, step))
        return True

    def run(self, report: YearReport) -> None:
        while self._heap:
            moment, _seq, label, step = heapq.heappop(self._heap)
            tick = time.perf_counter()
            with time_machine.travel(moment, tick=False):
                try:
                    step()
                except DomainError as exc:
                    # A step the rules refuse is a fact of the simulation, not a failure of the build.
                    report.refused[getattr(exc, "code", "") or type(exc).__name__] += 1
            report.timings[label or "other"] += time.perf_counter() - tick


class _Chain:
    """The moments of one case's or letter's steps: each strictly after the one before,
    whatever hour the day drew (a review never runs before the acceptance it follows)."""

    def __init__(self, tl: _Timeline, cal: "_Calendar", label: str):
        self.tl, self.cal, self.label = tl, cal, label
        self.last: datetime | None = None

    def at(self, day: date, step: Callable[[], None], *, earliest: int = 9, latest: int = 17) -> bool:
        moment = self.cal.moment(day, earliest=earliest, latest=latest)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=self.cal.rng.randint(5, 90))
        self.last = moment
        return self.tl.at(moment, step, self.label)


class _Calendar:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def workday_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``n`` = 0: ``day`` itself if it is one)."""
        if n == 0 and is_workday(day):
            return day
        while n > 0 or not is_workday(day):
            day += timedelta(days=1)
            if is_workday(day):
                n -= 1
        return day

    def moment(self, day: date, *, earliest: int = 9, latest: int = 17) -> datetime:
        hour = self.rng.randint(earliest, latest - 1)
        return datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=SHANGHAI)


class _People:
    """Who acts: the demo accounts, and one more per department where a post is missing."""

    def __init__(self, password: str):
        self.password = password
        self._by_post: dict[tuple[int | None, str], User] = {}

    def staff(self, username: str, real_name: str, unit: Unit, roles) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.staff_create(actor=None, username=username, real_name=real_name, phone="",
                                                 password=self.password, is_demo=True)
            account_mfa.demo_totp_device_ensure(user=user)
        for role in roles:
            if not Assignment.objects.filter(user=user, unit=unit, role=role).exists():
                org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
        return user

    def for_post(self, unit: Unit | None, role: str) -> User:
        """A person who holds ``role`` for ``unit`` (org.responsibility decides); made if none."""
        key = (unit.pk if unit else None, role)
        if key not in self._by_post:
            holders = post_holders(unit_id=unit.pk if unit else None, roles=[role]).order_by("user_id")
            holder = holders.select_related("user").first()
            if holder is None:
                suffix = unit.code.split("-")[-1].lower()
                holder_user = self.staff(f"bm{suffix}_banli", f"{unit.name}承办演示员", unit,
                                         [Role.HANDLER, Role.REVIEWER, Role.APPROVER])
                if role not in (Role.HANDLER, Role.REVIEWER, Role.APPROVER):
                    holder_user = self.staff(f"bm{suffix}_fuze", f"{unit.name}负责人演示员", unit, [role])
                self._by_post[key] = holder_user
            else:
                self._by_post[key] = holder.user
        return self._by_post[key]


def _citizens(rng: random.Random) -> list[User]:
    return list(User.objects.filter(kind="citizen", is_active=True).order_by("pk")[:40])


# --- cases -----------------------------------------------------------------------------

def _plan_case(tl: _Timeline, cal: _Calendar, people: _People, rng: random.Random, item: Item, applicant: User,
               day: date, report: YearReport) -> None:
    """Plan one case from submission to conclusion; steps after now are left for the staff."""
    state: dict = {}
    steps = item.process_definitions.filter(is_current=True).values_list("steps", flat=True).first()
    chain = _Chain(tl, cal, "cases")

    def submit():
        state["case"] = case_submit(actor=applicant, item=item, applicant=applicant, channel="online")
        report.counts["cases"] += 1

    if not chain.at(day, submit):
        return

    def act(actor_fn, action, reason="", payload=None, *, counter=""):
        def step():
            case = state.get("case")
            if case is None:
                return
            case.refresh_from_db()
            actor = actor_fn(case)
            state["case"] = case_act(actor=actor, case=case, action=action, expected_version=case.version,
                                     reason=reason, payload=payload)
            if counter:
                report.counts[counter] += 1
        return step

    def step_actor(case: Case) -> User:
        current = case.definition.steps
        unit_id = case.step_unit_id(current, case.step_index)
        unit = Unit.objects.get(pk=unit_id) if unit_id else None
        return people.for_post(unit, current[case.step_index]["role"])

    # The flowchart: accept, one or two reviews, approve, conclude (each its own post).
    plan = [s["key"] for s in (steps or [])] or ["accept", "review", "approve", "conclude"]
    limits = [s["limit_days"] for s in (steps or [])] or [1, 4, 4, 1]
    when = day
    for index, key in enumerate(plan):
        limit = max(limits[index] if index < len(limits) else 2, 1)
        late = rng.random() < 0.07 and key != "accept"
        spent = limit + rng.randint(1, 3) if late else rng.randint(0, max(limit - 1, 0))
        if key == "accept":
            when = cal.workday_after(when, rng.choice([0, 0, 1]))
            if rng.random() < 0.03:
                chain.at(when, act(step_actor, "refuse", "申请事项不属于本部门职权范围,不予受理"))
                return
            chain.at(when, act(step_actor, "accept", "材料齐全,予以受理"))
            continue
        if key == "review" and rng.random() < 0.12:
            # 一次性告知补正: the applicant brings the missing material some days later.
            when = cal.workday_after(when, rng.randint(0, max(limit // 2, 1)))
            missing = rng.choice(list(item.materials.values_list("name", flat=True)) or ["补充说明材料"])
            chain.at(when, act(step_actor, "request_correction", "材料不全,请补正",
                                                   {"missing": [missing]}, counter="corrections"))
            when = cal.workday_after(when, rng.randint(2, 7))
            chain.at(when, act(lambda case: applicant, "resubmit"))
        if key == "approve" and rng.random() < 0.06:
            when = cal.workday_after(when, rng.randint(1, 2))
            chain.at(when, act(step_actor, "return", "审查意见不完整,退回重新审查",
                                                   counter="returns"))
            when = cal.workday_after(when, rng.randint(1, 2))
            chain.at(when, act(step_actor, "review_pass", "已补充审查意见"))
        if key in ("review", "joint_review") and rng.random() < 0.04:
            when = cal.workday_after(when, 1)
            chain.at(when, act(step_actor, "suspend", "需组织专家评审",
                                                   {"kind": "expert_review"}, counter="suspensions"))
            when = cal.workday_after(when, rng.randint(3, 8))
            chain.at(when, act(step_actor, "resume"))
        when = cal.workday_after(when, spent)
        if late:
            report.counts["late_steps"] += 1
        if key in ("review", "joint_review"):
            action, reason = "review_pass", "经审查符合条件"
        elif key == "approve":
            action, reason = ("reject", "不符合法定条件,不予许可") if rng.random() < 0.04 else ("approve", "同意")
        else:
            action, reason = "conclude", ""
        chain.at(when, act(step_actor, action, reason, counter="concluded" if action == "conclude" else ""))
    # About two in three applicants rate the service a few days after it concluded.
    if rng.random() < 0.65:
        level = rng.choices([5, 4, 3, 2, 1], weights=[62, 22, 9, 4, 3])[0]
        comments = {5: "办理很快,工作人员态度好", 4: "总体满意", 3: "等待时间有点长", 2: "补正要求没有一次讲清楚", 1: "跑了好几趟"}

        def rate():
            case = state.get("case")
            if case is None:
                return
            case.refresh_from_db()
            if case.status == Case.Status.CONCLUDED:
                rating_submit(actor=applicant, case=case, level=level, comment=comments[level])
                report.counts["ratings"] += 1
        chain.at(cal.workday_after(when, rng.randint(0, 3)), rate, earliest=18, latest=22)


# --- letters ---------------------------------------------------------------------------

def _season(day: date) -> str:
    return {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer"}.get(day.month, "autumn")


def _plan_letter(tl: _Timeline, cal: _Calendar, people: _People, rng: random.Random, writers: list[User],
                 clerk: User, day: date, report: YearReport) -> None:
    season = _season(day)
    township = rng.choice(TOWNSHIPS)
    choices = [t for t in LETTER_TOPICS if season in t["seasons"] and (not t["townships"] or township in t["townships"])]
    topic = rng.choice(choices)
    place = rng.choice(topic.get("places") or [""]).format(**_place_names(township))
    detail = rng.choice(topic["details"])
    title = topic["title"].format(place=place)
    body = topic["body"].format(place=place, detail=detail, n=rng.randint(2, 30)) + f"({day.month}月{day.day}日)"
    anonymous = topic["channel"] in ("report", "suggestion", "consultation") and rng.random() < 0.25
    writer = None if anonymous else rng.choice(writers)
    department = Unit.objects.get(code=topic["department"])
    state: dict = {}

    def submit():
        state["letter"] = letter_services.letter_submit(
            actor=writer, channel=topic["channel"], category=topic["category"], title=title[:50], body=body,
            township=township, publish_consent=rng.random() < 0.5, anonymous=writer is None,
            enforce_rate_limit=False,
        )
        report.counts["letters"] += 1

    chain = _Chain(tl, cal, "letters")
    if not chain.at(day, submit, earliest=7, latest=23):
        return

    def fresh() -> Letter | None:
        letter = state.get("letter")
        if letter is not None:
            letter.refresh_from_db()
        return letter

    def assign():
        letter = fresh()
        if letter is not None:
            letter_services.letter_assign(actor=clerk, letter=letter, department=department, reason="按职责交办")

    when = cal.workday_after(day, 1)
    chain.at(when, assign)
    handler = people.for_post(department, Role.HANDLER)
    head = people.for_post(department, Role.DEPARTMENT_HEAD)
    when = cal.workday_after(when, rng.randint(2, 12) if rng.random() > 0.08 else rng.randint(16, 22))
    reply = rng.choice(REPLY_TEXTS).format(title=title, department=department.name)

    def draft():
        letter = fresh()
        if letter is not None:
            letter_services.letter_reply_draft(actor=handler, letter=letter, body=reply)

    chain.at(when, draft)
    when = cal.workday_after(when, rng.randint(0, 2))

    def decide():
        letter = fresh()
        if letter is not None:
            letter_services.letter_reply_decide(actor=head, letter=letter, approve=True)

    chain.at(when, decide)
    if writer is not None and rng.random() < 0.7:
        satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[70, 20, 10])[0]

        def rate():
            letter = fresh()
            if letter is not None:
                letter_services.letter_rate(actor=writer, letter=letter, satisfaction=satisfaction,
                                            comment="问题还没有解决" if satisfaction == "unsatisfied" else "")
        chain.at(cal.workday_after(when, rng.randint(1, 5)), rate, earliest=19, latest=22)


_PLACES: dict[str, dict[str, str]] = {}


def _place_names(township_code: str) -> dict[str, str]:
    if township_code not in _PLACES:
        town = Unit.objects.get(code=township_code)
        below = list(Unit.objects.filter(parent=town, kind__in=[Unit.Kind.VILLAGE, Unit.Kind.COMMUNITY])
                     .values_list("name", flat=True)) or [town.name]
        _PLACES[township_code] = {"town": town.name, "village": below[0], "village2": below[-1]}
    return _PLACES[township_code]


# --- disclosure ------------------------------------------------------------------------

def _plan_disclosure(tl: _Timeline, cal: _Calendar, rng: random.Random, editor: User, publisher: User,
                     office: Unit, day: date, report: YearReport) -> None:
    column, title = rng.choice(DISCLOSURE_TOPICS)
    title = title.format(year=day.year, month=day.month, quarter=(day.month - 1) // 3 + 1)
    state: dict = {}

    def write():
        d = disclosure_services.disclosure_create(
            actor=editor, department=office, column=column, title=title,
            body_html=f"<p>{title}。</p><p>详情请咨询县人民政府办公室,电话 0000-1234531。</p>",
            document_kind="other" if column == "policy" else "",
        )
        state["d"] = disclosure_services.disclosure_submit(actor=editor, disclosure=d)

    def publish():
        if "d" in state:
            disclosure_services.disclosure_publish(actor=publisher, disclosure=state["d"])
            report.counts["disclosures"] += 1

    chain = _Chain(tl, cal, "disclosure")
    if chain.at(day, write, latest=12):
        chain.at(cal.workday_after(day, rng.randint(0, 2)), publish, earliest=14)


def _plan_request(tl: _Timeline, cal: _Calendar, rng: random.Random, requester: User, officer: User, office: Unit,
                  day: date, report: YearReport) -> None:
    description, outcome, answer = rng.choice(REQUEST_TOPICS)
    state: dict = {}

    def submit():
        extra = {"requester_subtype": RequesterSubtype.COMMERCIAL} if requester.kind != "citizen" else {}
        state["r"] = request_services.request_submit(actor=requester, department=office,
                                                     description=description.format(year=day.year - 1),
                                                     contact_phone="13800001234", purpose="了解相关情况", **extra)
        report.counts["requests"] += 1

    def register():
        if "r" in state:
            state["r"] = request_services.request_register(actor=officer, request=state["r"])

    def reply():
        if "r" in state:
            request_services.request_reply(actor=officer, request=state["r"], outcome=outcome, text=answer)

    chain = _Chain(tl, cal, "requests")
    if chain.at(day, submit):
        when = cal.workday_after(day, 1)
        chain.at(when, register)
        chain.at(cal.workday_after(when, rng.randint(3, 18)), reply)


# --- page visits -----------------------------------------------------------------------

def _visits(rng: random.Random, first: date, today: date, items: list[str], departments: list[str]) -> int:
    """Daily page views for the year, written through the webstats service (it takes the day)."""
    pages: Counter = Counter()
    referrers: Counter = Counter()
    day = first
    while day < today:
        weekday = day.weekday() < 5
        base = rng.randint(260, 420) if weekday else rng.randint(90, 160)
        for kind, url_name, key, share in VISITED_PAGES:
            pages[(day, kind, url_name, key)] += int(base * share * rng.uniform(0.7, 1.3))
        for code in rng.sample(items, min(len(items), 8)):
            pages[(day, "item", "portal:item", code)] += rng.randint(3, 40) if weekday else rng.randint(1, 10)
        for code in rng.sample(departments, min(len(departments), 5)):
            pages[(day, "department", "disclosure:department", code)] += rng.randint(1, 15)
        referrers[(day, "www.baidu.com")] += int(base * 0.3)
        referrers[(day, "www.gov.cn")] += int(base * 0.05)
        referrers[(day, "mp.weixin.qq.com")] += int(base * 0.12)
        day += timedelta(days=1)
    pageviews_add(pages=pages, referrers=referrers)
    return sum(pages.values())


# --- the build -------------------------------------------------------------------------

def demo_year_build(*, days: int = 365, seed: int = 17, cases_per_workday: float = 1.6,
                    letters_per_day: float = 0.9, now: datetime | None = None) -> YearReport:
    """Build the demo county's last ``days`` days of activity; once (the marker audit row)."""
    report = YearReport()
    if demo_year_built():
        return report
    started, cpu_started = time.perf_counter(), time.process_time()
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days)
    rng = random.Random(seed)
    cal = _Calendar(rng)
    from zhengwu.core.registries.demo import demo_data

    people = _People(demo_data()["accounts"][PASSWORD_KEY])
    tl = _Timeline(now)

    items = list(Item.objects.filter(code__in=[c for c, _w in CASE_ITEMS], department__isnull=False)
                 .select_related("department"))
    weights = dict(CASE_ITEMS)
    citizens = _citizens(rng)
    if not items or not citizens:
        raise LookupError("示例县尚未载入(load_catalog、load_demo_county)")
    clerk = User.objects.get(username="xfj_fenban")
    office = Unit.objects.get(code="SLX-31")
    editor, publisher = User.objects.get(username="zfb_bianji"), User.objects.get(username="zfb_fabu")
    officer = people.for_post(office, Role.DISCLOSURE_OFFICER)
    enterprises = list(User.objects.filter(kind="enterprise", is_active=True)[:5])

    day = first
    while day < today:
        if is_workday(day):
            n = _poisson(rng, cases_per_workday * (0.6 if day.month in (1, 2) else 1.0))
            for _ in range(n):
                item = rng.choices(items, weights=[weights[i.code] for i in items])[0]
                _plan_case(tl, cal, people, rng, item, rng.choice(citizens), day, report)
            if rng.random() < 0.22:
                _plan_disclosure(tl, cal, rng, editor, publisher, office, day, report)
            if rng.random() < 0.12:
                _plan_request(tl, cal, rng, rng.choice(citizens + enterprises), officer, office, day, report)
        if day.weekday() in (1, 4):
            # The supervision sweep, twice a week in the simulation (every quarter hour in
            # production), raises the cards of the days since the last one.
            sweep_day = day
            tl.at(datetime(day.year, day.month, day.day, 23, 30, tzinfo=SHANGHAI),
                  lambda d=sweep_day: supervision_sweep(today=d), "sweep")
        for _ in range(_poisson(rng, letters_per_day * (1.3 if _season(day) in ("summer", "winter") else 1.0))):
            _plan_letter(tl, cal, people, rng, citizens, clerk, day, report)
        day += timedelta(days=1)

    tl.run(report)
    departments = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, is_active=True).values_list("code", flat=True))
    report.counts["pageviews"] = _visits(rng, first, today, [i.code for i in items], departments)
    # Bring the supervision figures to today, from every case and alert (the dashboard reads them).
    supervision_sweep(today=today, full=True)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    report.built = True
    with transaction.atomic():
        audit_record(actor=None, action=MARKER, object_type="demo.year", object_id=str(today),
                     details={**dict(report.counts), "refused": dict(report.refused),
                              "seconds": round(report.seconds, 1), "cpu_seconds": round(report.cpu_seconds, 1), "from": first.isoformat()})
    return report


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: small means only, which is all a county's day needs.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
