"""Compute the site-health report: stale and empty columns, a stale home page, broken
internal links and missing attachments in published records, failed external links.

Internal links are checked without any HTTP request: a site-relative URL is resolved
with Django's URL resolver and, where it names an object (a disclosure, a file, a
catalog item, a department), the object's existence is checked in one query per kind.
External links are checked only by the ``disclosure_check_links`` command; the page
shows its last results, so rendering never waits on another site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import Resolver404, resolve
from django.utils import timezone

from zhengwu.catalog.models import Item
from zhengwu.core.models import StoredFile
from zhengwu.core.uploads import storage
from zhengwu.org.models import Unit

from ..models import Attachment, Column, Disclosure, ExternalLinkCheck, Status
from ..richtext import body_links
from .thresholds import (
    COLUMN_STALE,
    COLUMNS_MUST_HAVE_CONTENT,
    HOMEPAGE_STALE,
    Threshold,
)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def threshold_cutoff(threshold: Threshold, today: dt.date) -> dt.date:
    """The oldest date that still counts as up to date under ``threshold``."""
    if threshold.months:
        return months_before(today, threshold.months)
    return today - dt.timedelta(days=threshold.days)


@dataclass
class ColumnRow:
    column: Column
    count: int
    last_updated: dt.date | None
    threshold: Threshold | None
    state: str  # "ok", "stale", "empty"

    @property
    def state_label(self) -> str:
        return {"ok": "正常", "stale": "超期未更新", "empty": "空白栏目"}[self.state]


@dataclass
class LinkProblem:
    disclosure: Disclosure
    url: str
    reason: str


@dataclass
class AttachmentProblem:
    disclosure: Disclosure
    name: str
    reason: str


@dataclass
class HealthReport:
    today: dt.date
    columns: list[ColumnRow]
    homepage_last: dt.date | None
    homepage_threshold: Threshold
    homepage_stale: bool
    broken_links: list[LinkProblem] = field(default_factory=list)
    missing_attachments: list[AttachmentProblem] = field(default_factory=list)
    external_failures: list[ExternalLinkCheck] = field(default_factory=list)
    external_last_checked: dt.datetime | None = None

    @property
    def problem_count(self) -> int:
        return (
            sum(1 for r in self.columns if r.state != "ok") + int(self.homepage_stale)
            + len(self.broken_links) + len(self.missing_attachments) + len(self.external_failures)
        )


def _published():
    return Disclosure.objects.filter(status=Status.PUBLISHED)


def column_rows(today: dt.date) -> list[ColumnRow]:
    stats = {
        row["column"]: row
        for row in _published().values("column").annotate(last=Max("first_published_at"), n=Count("id"))
    }
    rows = []
    for column in COLUMNS_MUST_HAVE_CONTENT:
        stat = stats.get(column.value)
        last = timezone.localdate(stat["last"]) if stat and stat["last"] else None
        threshold = COLUMN_STALE.get(column)
        count = stat["n"] if stat else 0
        if not count:
            state = "empty"
        elif threshold is not None and (last is None or last < threshold_cutoff(threshold, today)):
            state = "stale"
        else:
            state = "ok"
        rows.append(ColumnRow(column, count, last, threshold, state))
    return rows


def homepage_last_update() -> dt.date | None:
    last = _published().aggregate(last=Max("first_published_at"))["last"]
    return timezone.localdate(last) if last else None


# ------------------------------------------------------------------ internal links


def _site_hosts() -> set[str]:
    hosts = {h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"}
    hosts.discard("testserver")
    return hosts


def internal_path(url: str) -> str | None:
    """The path of a link that points into this site, or None for an external/other link."""
    url = (url or "").strip()
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return None
    if not parts.scheme and not parts.netloc:
        # Relative links are written from a disclosure page; only site-absolute ones are
        # meaningful in a body that also travels in feeds and search results.
        return parts.path if parts.path.startswith("/") else None
    if parts.scheme in ("http", "https") and (parts.hostname or "").lower() in _site_hosts():
        return parts.path or "/"
    return None


# url name → (kind, kwarg) whose object must exist for the link to work.
OBJECT_LINKS = {
    "disclosure:detail": ("disclosure", "pk"),
    "disclosure:attachment": ("file", "file_id"),
    "core:file_download": ("file", "file_id"),
    "portal:item": ("item", "code"),
    "disclosure:item": ("item", "code"),
    "disclosure:department": ("unit", "code"),
}


def _existing(kind: str, keys: set) -> set:
    if not keys:
        return set()
    if kind == "disclosure":
        ids = {int(k) for k in keys if str(k).isdigit()}
        return {str(pk) for pk in _published().filter(pk__in=ids).values_list("pk", flat=True)}
    if kind == "file":
        return {str(pk) for pk in StoredFile.objects.filter(pk__in=keys, is_deleted=False).values_list("pk", flat=True)}
    if kind == "item":
        return set(Item.objects.filter(code__in=keys).values_list("code", flat=True))
    if kind == "unit":
        return set(Unit.objects.filter(code__in=keys, is_active=True).values_list("code", flat=True))
    return set(keys)


def broken_internal_links() -> list[LinkProblem]:
    candidates = []  # (disclosure, url, kind or None, key)
    rows = (
        _published().filter(Q(body_html__contains="href=") | Q(body_html__contains="src="))
        .select_related("department").only("id", "title", "body_html", "department__name", "department__code")
    )
    problems: list[LinkProblem] = []
    for row in rows.iterator(chunk_size=200):
        for url in body_links(row.body_html):
            path = internal_path(url)
            if path is None:
                continue
            try:
                match = resolve(path)
            except Resolver404:
                problems.append(LinkProblem(row, url, "页面不存在"))
                continue
            spec = OBJECT_LINKS.get(match.view_name)
            if spec is not None and spec[1] in match.kwargs:
                candidates.append((row, url, spec[0], str(match.kwargs[spec[1]])))
    wanted: dict[str, set] = {}
    for _, _, kind, key in candidates:
        wanted.setdefault(kind, set()).add(key)
    present = {kind: _existing(kind, keys) for kind, keys in wanted.items()}
    labels = {"disclosure": "链接的公开信息不存在或已撤回", "file": "链接的文件不存在或已删除",
              "item": "链接的事项不存在", "unit": "链接的部门不存在"}
    for row, url, kind, key in candidates:
        if key not in present.get(kind, set()):
            problems.append(LinkProblem(row, url, labels[kind]))
    problems.sort(key=lambda p: (p.disclosure.pk, p.url))
    return problems


# ------------------------------------------------------------------ attachments


def missing_attachments() -> list[AttachmentProblem]:
    problems = []
    rows = (
        Attachment.objects.filter(disclosure__status=Status.PUBLISHED)
        .select_related("file", "disclosure", "disclosure__department").order_by("disclosure_id", "seq", "id")
    )
    for att in rows:
        if att.file is None:
            problems.append(AttachmentProblem(att.disclosure, att.name, "文件记录已不存在"))
        elif att.file.is_deleted:
            problems.append(AttachmentProblem(att.disclosure, att.name, "文件已被删除"))
        elif not storage.path_for(att.file.storage_name).is_file():
            problems.append(AttachmentProblem(att.disclosure, att.name, "服务器上找不到文件"))
    return problems


def site_health_report(*, today: dt.date | None = None) -> HealthReport:
    today = today or timezone.localdate()
    homepage_last = homepage_last_update()
    external = list(
        ExternalLinkCheck.objects.filter(ok=False, disclosure__status=Status.PUBLISHED)
        .select_related("disclosure").order_by("disclosure_id", "url")
    )
    return HealthReport(
        today=today,
        columns=column_rows(today),
        homepage_last=homepage_last,
        homepage_threshold=HOMEPAGE_STALE,
        homepage_stale=homepage_last is None or homepage_last < threshold_cutoff(HOMEPAGE_STALE, today),
        broken_links=broken_internal_links(),
        missing_attachments=missing_attachments(),
        external_failures=external,
        external_last_checked=ExternalLinkCheck.objects.aggregate(last=Max("checked_at"))["last"],
    )


__all__ = ["Column", "months_before", "site_health_report", "threshold_cutoff"]
