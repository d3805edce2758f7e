"""Analysis of letters for leaders: counts by category, department, township and period;
hot topics; rising topics against the previous period. Every figure is a GROUP BY in SQL.

Letter counts read insights' one-row-per-letter table (local date and dimensions as plain
indexed columns); topic figures read its keyword table, which carries the same dimensions.
Only the example letters' titles come from the letters table, by primary key.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from .filters import InsightFilter
from .models import LetterFact, LetterKeyword

TOPICS_SHOWN = 20
EXAMPLES_PER_TOPIC = 3
RISING_MIN_COUNT = 3  # a word needs this many letters in the period to count as rising

def letters_in(f: InsightFilter):
    qs = LetterFact.objects.filter(received_on__gte=f.start, received_on__lte=f.end)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.township_id:
        qs = qs.filter(township_id=f.township_id)
    if f.scope_department_ids is not None:
        qs = qs.filter(department_id__in=f.scope_department_ids)
    return qs


def keywords_in(f: InsightFilter, *, start: dt.date | None = None):
    qs = LetterKeyword.objects.filter(received_on__gte=start or f.start, received_on__lte=f.end)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.township_id:
        qs = qs.filter(township_id=f.township_id)
    if f.scope_department_ids is not None:
        qs = qs.filter(department_id__in=f.scope_department_ids)
    return qs


def _unit_names(ids) -> dict[int, str]:
    from zhengwu.org.models import Unit

    ids = [i for i in ids if i is not None]
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _daily(f: InsightFilter, field: str | None) -> list[dict]:
    """Letters per (day, ``field``): SQL walks the (day, field) index in order, no sort."""
    fields = ["received_on"] + ([field] if field else [])
    return list(letters_in(f).order_by().values(*fields).annotate(n=Count("*")).values(*fields, "n"))


def _fold(rows: list[dict], field: str) -> list[tuple[object, int]]:
    # Adding up at most (days × values) rows, e.g. 365 × 30 departments.
    totals: dict[object, int] = {}
    for r in rows:
        totals[r[field]] = totals.get(r[field], 0) + r["n"]
    return sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0])))


def letter_total(f: InsightFilter) -> int:
    return letters_in(f).count()


def counts_by_category(f: InsightFilter) -> list[dict]:
    from zhengwu.letters.models import Category

    labels = dict(Category.choices)
    return [{"key": key, "label": labels.get(key, key), "count": n} for key, n in _fold(_daily(f, "category"), "category")]


def _counts_by_unit(f: InsightFilter, field: str, empty_label: str) -> list[dict]:
    rows = _fold(_daily(f, field), field)
    names = _unit_names(key for key, _ in rows)
    return [{"key": key, "label": names.get(key, empty_label) if key else empty_label, "count": n} for key, n in rows]


def counts_by_department(f: InsightFilter) -> list[dict]:
    return _counts_by_unit(f, "department_id", "尚未分办")


def counts_by_township(f: InsightFilter) -> list[dict]:
    return _counts_by_unit(f, "township_id", "未填写乡镇")


def _bucket_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _bucket_label(day: dt.date, granularity: str) -> str:
    if granularity == "month":
        return day.strftime("%Y-%m")
    if granularity == "week":
        return f"{day.isoformat()} 起一周"
    return day.isoformat()


def counts_by_period(f: InsightFilter) -> list[dict]:
    """Letters per day, week (Monday first) or month (local dates); empty buckets shown as 0.

    SQL groups by day (at most 731 rows); weeks and months add those days up.
    """
    found: dict[dt.date, int] = {}
    for r in _daily(f, None):
        bucket = _bucket_start(r["received_on"], f.granularity)
        found[bucket] = found.get(bucket, 0) + r["n"]
    out = []
    day = _bucket_start(f.start, f.granularity)
    while day <= f.end:
        out.append({"key": day.isoformat(), "label": _bucket_label(day, f.granularity), "count": found.get(day, 0)})
        if f.granularity == "month":
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            day += dt.timedelta(days=7 if f.granularity == "week" else 1)
    return out


def word_counts(f: InsightFilter) -> dict[str, int]:
    """Letters per keyword over the period: one GROUP BY on the covering (day, word) index."""
    return dict(keywords_in(f).order_by().values("word").annotate(n=Count("id")).values_list("word", "n"))


def hot_topics(f: InsightFilter, *, limit: int = TOPICS_SHOWN, current: dict[str, int] | None = None) -> list[dict]:
    """The words most letters of the period mention, most first."""
    if current is None:
        rows = keywords_in(f).order_by().values("word").annotate(n=Count("id")).order_by("-n", "word")[:limit]
        return [{"word": r["word"], "count": r["n"]} for r in rows]
    ranked = sorted(current.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"word": word, "count": n} for word, n in ranked]


def rising_topics(f: InsightFilter, *, limit: int = TOPICS_SHOWN, min_count: int = RISING_MIN_COUNT,
                  current: dict[str, int] | None = None) -> list[dict]:
    """Words mentioned by more letters than in the previous period of the same length.

    Growth is ranked as (now − before) / (before + 1), so a word going from 0 to 12 ranks
    above one going from 40 to 45, and a word seen by fewer than ``min_count`` letters never
    counts as rising. One GROUP BY per period over the covering (day, word) index (cheaper
    than one pass with conditional counts, which cannot use the index alone); ``current``
    reuses the period's counts when the caller already has them.
    """
    if current is None:
        current = word_counts(f)
    now = {word: n for word, n in current.items() if n >= min_count}
    if not now:
        return []
    before = word_counts(f.previous)
    ranked = sorted(
        ((word, n, before.get(word, 0)) for word, n in now.items() if n > before.get(word, 0)),
        key=lambda t: (-(t[1] - t[2]) / (t[2] + 1), -t[1], t[0]),
    )[:limit]
    return [
        {"word": word, "count": n, "previous": prev,
         "growth_rate": round(100.0 * (n - prev) / prev, 1) if prev else None}
        for word, n, prev in ranked
    ]


def topic_examples(f: InsightFilter, words: list[str], *, per_word: int = EXAMPLES_PER_TOPIC) -> dict[str, list[dict]]:
    """Up to ``per_word`` most recent letters of the period for each word.

    One small query per word (an index seek on (word, day), LIMIT ``per_word``) plus one for
    the titles: bounded by the number of topics shown, never by the number of letters. A
    single window-function query would have to rank every mention of a common word.
    """
    from zhengwu.letters.models import Letter

    pairs = []
    for word in words:
        ids = keywords_in(f).filter(word=word).order_by("-received_on", "-letter_id").values_list(
            "letter_id", flat=True)[:per_word]
        pairs.extend((word, letter_id) for letter_id in ids)
    letters = {
        row["id"]: row
        for row in Letter.objects.filter(pk__in={lid for _, lid in pairs}).values("id", "title", "query_code", "received_at")
    } if pairs else {}
    out: dict[str, list[dict]] = {w: [] for w in words}
    for word, letter_id in pairs:
        letter = letters.get(letter_id)
        if letter:
            out[word].append({
                "id": letter_id, "title": letter["title"], "query_code": letter["query_code"],
                "received_on": timezone.localdate(letter["received_at"]).isoformat(),
            })
    return out


def insights_overview(f: InsightFilter) -> dict:
    """Everything the dashboard, its export and the API show for one filter."""
    current = word_counts(f)  # shared by hot and rising topics
    hot = hot_topics(f, current=current)
    rising = rising_topics(f, current=current)
    examples = topic_examples(f, list(dict.fromkeys([t["word"] for t in hot] + [t["word"] for t in rising])))
    for topic in hot + rising:
        topic["examples"] = examples.get(topic["word"], [])
    by_period = counts_by_period(f)
    return {
        "filter": f,
        "total": sum(r["count"] for r in by_period),
        "by_category": counts_by_category(f),
        "by_department": counts_by_department(f),
        "by_township": counts_by_township(f),
        "by_period": by_period,
        "hot": hot,
        "rising": rising,
        "previous_start": f.previous.start,
        "previous_end": f.previous.end,
    }
