"""Counts, hot and rising topics on constructed letters with known answers."""

import datetime as dt

import pytest

from zhengwu.insights import selectors
from zhengwu.insights.filters import InsightFilter

from .conftest import make_letter

pytestmark = pytest.mark.django_db

D = dt.date


def _filter(start, end, granularity="day", **kw):
    return InsightFilter(start=start, end=end, granularity=granularity, **kw)


@pytest.fixture
def letters(places):
    """March 1–10 is the period; Feb 19–28 the previous one.

    噪音: 2 letters before, 6 now (rising +200%). 停车难: 0 before, 3 now (new). 学校: 8 before,
    5 now (falling). 油烟: 1 now (below the minimum). One letter outside both periods.
    """
    env, edu, town, street = places["env"], places["edu"], places["town"], places["street"]
    for i in range(2):
        make_letter(title="噪音扰民", day=D(2026, 2, 20 + i), category="environment", department=env)
    for i in range(6):
        make_letter(title="噪音扰民", day=D(2026, 3, 1 + i), category="environment", department=env, township=town)
    for i in range(3):
        make_letter(title="停车难", day=D(2026, 3, 8), category="urban_construction", township=street)
    for i in range(8):
        make_letter(title="学校收费", day=D(2026, 2, 25), category="education", department=edu)
    for i in range(5):
        make_letter(title="学校收费", day=D(2026, 3, 9), category="education", department=edu, township=town)
    make_letter(title="油烟", day=D(2026, 3, 10), category="environment", department=env)
    make_letter(title="噪音扰民", day=D(2026, 3, 11), category="environment")  # after the period
    return places


def test_counts_by_category_department_township(letters):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10))
    assert selectors.letter_total(f) == 15
    assert [(r["label"], r["count"]) for r in selectors.counts_by_category(f)] == [
        ("环境保护", 7), ("教育", 5), ("城乡建设", 3)]
    assert [(r["label"], r["count"]) for r in selectors.counts_by_department(f)] == [
        ("县环境保护局", 7), ("县教育局", 5), ("尚未分办", 3)]
    assert [(r["label"], r["count"]) for r in selectors.counts_by_township(f)] == [
        ("城关镇", 11), ("东城街道", 3), ("未填写乡镇", 1)]


def test_counts_by_day_week_and_month_with_empty_buckets(letters):
    days = selectors.counts_by_period(_filter(D(2026, 3, 1), D(2026, 3, 10)))
    assert len(days) == 10 and days[0] == {"key": "2026-03-01", "label": "2026-03-01", "count": 1}
    assert days[6]["count"] == 0 and days[7]["count"] == 3
    weeks = selectors.counts_by_period(_filter(D(2026, 3, 1), D(2026, 3, 10), "week"))
    # 1 March 2026 is a Sunday: its week starts Monday 23 February.
    assert [(w["key"], w["count"]) for w in weeks] == [("2026-02-23", 1), ("2026-03-02", 8), ("2026-03-09", 6)]
    months = selectors.counts_by_period(_filter(D(2026, 2, 1), D(2026, 3, 31), "month"))
    assert [(m["key"], m["count"]) for m in months] == [("2026-02-01", 10), ("2026-03-01", 16)]


def test_hot_topics_count_letters_in_the_period(letters):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10))
    hot = selectors.hot_topics(f)
    assert selectors.hot_topics(f, current=selectors.word_counts(f)) == hot
    as_pairs = [(t["word"], t["count"]) for t in hot]
    assert as_pairs[:2] == [("噪音", 6), ("扰民", 6)]
    assert ("学校", 5) in as_pairs and ("停车难", 3) in as_pairs and ("油烟", 1) in as_pairs


def test_rising_topics_against_the_previous_period(letters):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10))
    assert (f.previous.start, f.previous.end) == (D(2026, 2, 19), D(2026, 2, 28))
    rising = {t["word"]: t for t in selectors.rising_topics(f)}
    assert set(rising) == {"噪音", "扰民", "停车难"}  # 学校 fell; 油烟 is below the minimum count
    assert (rising["停车难"]["count"], rising["停车难"]["previous"], rising["停车难"]["growth_rate"]) == (3, 0, None)
    assert (rising["噪音"]["count"], rising["噪音"]["previous"], rising["噪音"]["growth_rate"]) == (6, 2, 200.0)
    # (3-0)/(0+1) = 3 > (6-2)/(2+1): a new topic ranks above a growing one.
    assert selectors.rising_topics(f)[0]["word"] == "停车难"


def test_filters_narrow_every_figure(letters):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10), category="education")
    assert selectors.letter_total(f) == 5
    assert [t["word"] for t in selectors.hot_topics(f)] == ["学校", "收费"]
    f = _filter(D(2026, 3, 1), D(2026, 3, 10), township_id=letters["street"].pk)
    assert [t["word"] for t in selectors.hot_topics(f)] == ["停车难"]
    scoped = _filter(D(2026, 3, 1), D(2026, 3, 10), scope_department_ids=(letters["edu"].pk,))
    assert selectors.letter_total(scoped) == 5
    assert {t["word"] for t in selectors.hot_topics(scoped)} == {"学校", "收费"}


def test_examples_are_the_latest_letters_of_each_word(letters):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10))
    examples = selectors.topic_examples(f, ["噪音", "停车难"], per_word=3)
    assert [e["received_on"] for e in examples["噪音"]] == ["2026-03-06", "2026-03-05", "2026-03-04"]
    assert len(examples["停车难"]) == 3 and examples["停车难"][0]["title"] == "停车难"


def test_overview_query_count_grows_with_topics_shown_not_with_letters(letters, django_assert_num_queries):
    f = _filter(D(2026, 3, 1), D(2026, 3, 10))
    words = {t["word"] for t in selectors.hot_topics(f)} | {t["word"] for t in selectors.rising_topics(f)}
    # 4 counts, 2 unit-name look-ups, 2 word counts (period, previous), one example query per word, titles.
    with django_assert_num_queries(8 + len(words) + 1):
        overview = selectors.insights_overview(f)
    assert overview["total"] == 15 and overview["hot"][0]["examples"]
    for _ in range(20):
        make_letter(title="噪音扰民", day=D(2026, 3, 4), category="environment", department=letters["env"])
    with django_assert_num_queries(8 + len(words) + 1):
        assert selectors.insights_overview(f)["total"] == 35
