"""/api/v1/calendar/: deadlines, working-day counts, loaded years; bad input is a Chinese 4xx."""

import pytest

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
WORKDAYS = "/api/v1/calendar/workdays"
YEARS = "/api/v1/calendar/years"


def test_deadline_across_national_day_counts_the_make_up_saturday(client, calendar_2025_2026):
    response = client.get(DEADLINE, {"start": "2026-09-30", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-30", "working_days": 3, "due": "2026-10-10", "calendar_complete": True,
    }


def test_deadline_into_an_unloaded_year_says_calendar_incomplete(client, calendar_2025_2026):
    body = client.get(DEADLINE, {"start": "2026-12-28", "working_days": 5}).json()
    assert body["due"] == "2027-01-04"
    assert body["calendar_complete"] is False


def test_workdays_counts_and_is_negative_backwards(client, calendar_2025_2026):
    forward = client.get(WORKDAYS, {"start": "2026-09-30", "end": "2026-10-12"}).json()
    backward = client.get(WORKDAYS, {"start": "2026-10-12", "end": "2026-09-30"}).json()
    assert forward == {"start": "2026-09-30", "end": "2026-10-12", "working_days": 4, "calendar_complete": True}
    assert backward["working_days"] == -4


def test_years_lists_loaded_years_with_source(client, calendar_2025_2026, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(YEARS)
    body = response.json()
    assert [(y["year"], y["source"], y["source_label"]) for y in body["years"]] == [
        (2025, "chinesecalendar", "chinesecalendar 数据包"), (2026, "chinesecalendar", "chinesecalendar 数据包"),
    ]
    assert isinstance(body["missing_years"], list)


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        (DEADLINE, {"start": "2026-02-30", "working_days": 1}, 422, "开始日期不是有效日期"),
        (DEADLINE, {"start": "明天", "working_days": 1}, 422, "开始日期不是有效日期"),
        (DEADLINE, {"start": "2026-09-30", "working_days": "三"}, 422, "工作日数必须是数字"),
        (DEADLINE, {"start": "2026-09-30", "working_days": -1}, 400, "工作日数必须在 0 至 3650 之间"),
        (DEADLINE, {"start": "2026-09-30", "working_days": 3651}, 400, "工作日数必须在 0 至 3650 之间"),
        (DEADLINE, {"start": "1899-12-31", "working_days": 1}, 400, "开始日期必须在 1900-01-01 至 2199-12-31 之间"),
        (DEADLINE, {"start": "2200-01-01", "working_days": 1}, 400, "开始日期必须在 1900-01-01 至 2199-12-31 之间"),
        (DEADLINE, {"working_days": 1}, 422, "缺少参数:开始日期"),
        (DEADLINE, {"start": "2026-09-30"}, 422, "缺少参数:工作日数"),
        (WORKDAYS, {"start": "2026-09-30"}, 422, "缺少参数:结束日期"),
        (WORKDAYS, {"start": "2026-09-30", "end": "9999-01-01"}, 400, "结束日期必须在 1900-01-01 至 2199-12-31 之间"),
        (WORKDAYS, {"start": "x", "end": "2026-10-01"}, 422, "开始日期不是有效日期"),
    ],
)
def test_bad_input_is_a_chinese_4xx(client, calendar_2025_2026, url, params, status, message):
    response = client.get(url, params)
    assert response.status_code == status
    body = response.json()
    assert message in body["message"]
    assert set(body) == {"code", "message", "details"}


def test_largest_allowed_span_is_answered(client, calendar_2025_2026):
    response = client.get(DEADLINE, {"start": "2199-12-31", "working_days": 3650})
    assert response.status_code == 200
    assert response.json()["calendar_complete"] is False
