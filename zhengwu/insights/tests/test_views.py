"""/office/insights/: period validation, access and department scope, Excel export, the API."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

from .conftest import make_letter

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-03-01", "end": "2026-03-10"}


@pytest.fixture
def letters(places):
    for i in range(4):
        make_letter(title="噪音扰民", day=dt.date(2026, 3, 2 + i), category="environment", department=places["env"])
    for i in range(3):
        make_letter(title="=学校收费", day=dt.date(2026, 3, 3), category="education", department=places["edu"])
    return places


def _client(role, unit=None):
    client = Client()
    login_verified(client, grant_post(StaffFactory(), role, unit=unit))
    return client


def test_dashboard_shows_counts_topics_and_chart_data(letters):
    html = _client(Role.SUPERVISOR).get(reverse("insights:dashboard"), PERIOD).content.decode()
    assert "共收到来信 <strong>7</strong> 封" in html
    assert "噪音" in html and "县环境保护局" in html
    assert 'id="insights-data"' in html and "<script>" not in html.replace('<script id="insights-data"', "")


@pytest.mark.parametrize(("query", "message"), [
    ({"start": "2026-13-01"}, "开始日期不是有效日期"),
    ({"end": "昨天"}, "结束日期不是有效日期"),
    ({"start": "2026-03-10", "end": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ({"start": "2020-01-01", "end": "2026-03-01"}, "统计期间不能超过"),
    ({"granularity": "year"}, "时间粒度只能是"),
    ({"category": "<script>"}, "信件类别选择无效"),
    ({"department": "abc"}, "部门选择无效"),
    ({"township": "9" * 40}, "乡镇(街道)选择无效"),
])
def test_bad_filters_get_a_chinese_message(letters, query, message):
    client = _client(Role.SUPERVISOR)
    for name in ("insights:dashboard", "insights:export"):
        response = client.get(reverse(name), query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_control_characters_in_filters_are_a_400_not_a_500(letters):
    response = _client(Role.SUPERVISOR).get(reverse("insights:dashboard"), {"start": "\x00", "category": "\x01"})
    assert response.status_code == 400


def test_export_opens_with_openpyxl_and_matches_the_view(letters):
    response = _client(Role.LETTER_CLERK).get(reverse("insights:export"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["说明", "按类别", "按部门", "按乡镇", "按时间", "热点话题", "上升话题"]
    assert [list(r) for r in wb["按类别"].iter_rows(values_only=True)] == [["类别", "来信数"], ["环境保护", 4], ["教育", 3]]
    hot = {r[0]: r[1] for r in wb["热点话题"].iter_rows(min_row=2, values_only=True)}
    assert hot["噪音"] == 4
    # A title starting with "=" is written as text, never as a formula.
    examples = " ".join(str(r[2]) for r in wb["热点话题"].iter_rows(min_row=2, values_only=True))
    assert "=学校收费" in examples
    assert all(not str(c.value).startswith("=") for row in wb["热点话题"].iter_rows() for c in row if c.value)
    assert len(list(wb["按时间"].iter_rows(min_row=2))) == 10


def test_department_head_sees_only_their_department(letters):
    client = _client(Role.DEPARTMENT_HEAD, unit=letters["edu"])
    html = client.get(reverse("insights:dashboard"), PERIOD).content.decode()
    assert "共收到来信 <strong>3</strong> 封" in html and "仅统计本部门" in html
    data = client.get("/api/v1/insights/overview", PERIOD).json()
    assert data["total"] == 3 and {t["word"] for t in data["hot"]} == {"学校", "收费"}


def test_other_staff_are_refused(letters):
    client = _client(Role.HANDLER)
    assert client.get(reverse("insights:dashboard")).status_code == 403
    assert client.get(reverse("insights:export")).status_code == 403
    assert client.get("/api/v1/insights/overview").status_code == 403


def test_api_overview_and_its_chinese_400(letters):
    client = _client(Role.SYSTEM_ADMIN)
    data = client.get("/api/v1/insights/overview", PERIOD).json()
    assert data["total"] == 7 and data["filter"]["granularity"] == "day"
    assert data["hot"][0]["examples"][0]["query_code"].startswith("INS")
    assert data["previous_start"] == "2026-02-19"
    bad = client.get("/api/v1/insights/overview", {"start": "2026-02-30"})
    assert bad.status_code == 400 and "开始日期不是有效日期" in bad.json()["message"]


def test_default_period_is_the_last_30_days(places):
    response = _client(Role.SUPERVISOR).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    assert response.context["filter"].days == 30
