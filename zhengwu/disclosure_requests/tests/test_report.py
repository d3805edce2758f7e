"""The yearly report on constructed data: every cell, carry-over between years, the balance check, exports."""

import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditEvent, ContentVersion
from zhengwu.disclosure_requests import services
from zhengwu.disclosure_requests.selectors import report as selectors_report
from zhengwu.disclosure_requests.services import report as services_report
from zhengwu.disclosure_requests.models import DisclosureRequest
from zhengwu.disclosure_requests.report_export import report_pdf, report_xlsx

from .conftest import moment
from .helpers import on, submit_on

pytestmark = pytest.mark.django_db

COLS = ["natural", "commercial", "research", "public_welfare", "legal_service", "other", "total"]


def _reply(req, officer, day, outcome):
    on(day, services.request_register, actor=officer, request=req)
    on(day, services.request_reply, actor=officer, request=req, outcome=outcome, text="答复")


@pytest.fixture
def two_years(calendar, citizen, enterprise, clerk, dept, officer):
    """Requests spanning 2025 → 2026 (see the expected cells in the tests)."""
    a = submit_on((2025, 12, 10), actor=citizen, department=dept)
    _reply(a, officer, (2025, 12, 19), "1")  # answered within 2025
    b = submit_on((2025, 12, 15), actor=citizen, department=dept)
    _reply(b, officer, (2026, 1, 12), "3.4")  # carried into 2026, answered then
    submit_on((2025, 12, 29), actor=enterprise, department=dept, requester_subtype="commercial")  # open through 2026
    d = submit_on((2026, 3, 2), actor=citizen, department=dept)
    _reply(d, officer, (2026, 3, 20), "1")
    e = submit_on((2026, 5, 6), actor=enterprise, department=dept, requester_subtype="research")
    _reply(e, officer, (2026, 6, 1), "5.2")
    submit_on((2026, 12, 28), actor=clerk, department=dept, channel="letter", requester_type="legal",
              requester_subtype="legal_service", requester_name="示例律师事务所")  # open at the year's end
    return {"b": b}


def _row(table, key):
    row = next(r for r in table["rows"] if r["key"] == key)
    return dict(zip(COLS, row["values"], strict=True))


def _expect(natural=0, commercial=0, research=0, public_welfare=0, legal_service=0, other=0):
    values = {"natural": natural, "commercial": commercial, "research": research,
              "public_welfare": public_welfare, "legal_service": legal_service, "other": other}
    return {**values, "total": sum(values.values())}


def test_2026_table_counts_new_carried_results_and_carry_over_per_column(two_years):
    table = selectors_report.request_table(year=2026)

    assert _row(table, "new") == _expect(natural=1, research=1, legal_service=1)
    assert _row(table, "carried_in") == _expect(natural=1, commercial=1)
    assert _row(table, "1") == _expect(natural=1)
    assert _row(table, "3.4") == _expect(natural=1)
    assert _row(table, "5.2") == _expect(research=1)
    assert _row(table, "2") == _expect()
    assert _row(table, "results_total") == _expect(natural=2, research=1)
    assert _row(table, "carried_out") == _expect(commercial=1, legal_service=1)
    assert table["balanced"] and table["problems"] == []
    assert all(b["ok"] for b in table["balance"])
    # Every category and sub-reason of the form is a row: 2 + 8 + 3 + 5 + 3 coded rows.
    coded = [r for r in table["rows"] if r["values"] is not None and r["key"][0].isdigit()]
    assert len(coded) == 21


def test_2025_table_and_the_carry_over_into_2026(two_years):
    table = selectors_report.request_table(year=2025)
    assert _row(table, "new") == _expect(natural=2, commercial=1)
    assert _row(table, "carried_in") == _expect()
    assert _row(table, "results_total") == _expect(natural=1)
    # What 2025 carries out is exactly what 2026 carries in.
    assert _row(table, "carried_out") == _row(selectors_report.request_table(year=2026), "carried_in")


def test_the_table_is_one_query(two_years):
    with CaptureQueriesContext(connection) as queries:
        selectors_report.request_table(year=2026)
    assert len(queries.captured_queries) == 1


def test_unknown_outcome_codes_break_the_balance_and_say_why(two_years, officer):
    # Legacy data: a reply coded outside the form (written around the service, as an import would).
    DisclosureRequest.objects.filter(pk=two_years["b"].pk).update(outcome="9.9")
    table = selectors_report.request_table(year=2026)
    natural = next(b for b in table["balance"] if b["column"] == "natural")
    assert not natural["ok"] and (natural["new"] + natural["carried_in"], natural["results"] + natural["carried_out"]) == (2, 1)
    assert not table["balanced"]
    assert any("处理结果不属于年度报告的分类" in p and "自然人" in p for p in table["problems"])
    report = services_report.report_create(actor=officer, year=2026)
    services_report.report_update(actor=officer, report=report, overview="总体情况", problems="", other_matters="", manual={})
    with pytest.raises(ValidationFailed) as exc:
        services_report.report_publish(actor=officer, report=report)
    assert exc.value.code == "report_unbalanced" and "不平衡" in exc.value.message


def test_a_requester_kind_without_a_column_is_reported(two_years):
    DisclosureRequest.objects.filter(requester_subtype="research").update(requester_subtype="")
    table = selectors_report.request_table(year=2026)
    assert any("不属于报告的任何一列" in p for p in table["problems"])


def test_licensing_counts_decided_approval_cases_concluded_in_the_year(calendar, citizen):
    from zhengwu.cases.models import Case
    from zhengwu.cases.services import case_submit
    from zhengwu.catalog.models import Category
    from zhengwu.catalog.tests.factories import ItemFactory

    power = ItemFactory(name="宅基地审批", category=Category.POWER)
    convenience = ItemFactory(name="便民查询", category=Category.CONVENIENCE)

    def concluded(item, when, decision, status="concluded"):
        with at(moment(2026, 1, 5)):
            case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
        Case.objects.filter(pk=case.pk).update(status=status, concluded_at=moment(*when), flags={"decision": decision})

    concluded(power, (2026, 2, 1), "approved")
    concluded(power, (2026, 12, 31, 23), "rejected")  # late on 31 December, Shanghai time
    concluded(power, (2025, 12, 31, 23), "approved")  # the year before
    concluded(convenience, (2026, 3, 1), "approved")  # not a licence
    concluded(power, (2026, 3, 1), "refused", status="refused")  # not accepted: no decision
    assert selectors_report.licensing_decisions(year=2026) == 2


def test_publishing_freezes_the_figures_bumps_the_public_cache_and_checks_last_year(two_years, officer, citizen, dept):
    report = services_report.report_create(actor=officer, year=2025)
    with pytest.raises(ValidationFailed):
        services_report.report_publish(actor=officer, report=report)  # 总体情况 missing
    services_report.report_update(actor=officer, report=report, overview="2025年总体情况", problems="问题",
                                  other_matters="无", manual={"penalty_decisions": "7", "review_maintained": "2",
                                                              "review_pending": "1", "fees_amount": "1.5"})
    before = ContentVersion.objects.filter(scope="public").values_list("version", flat=True).first() or 0
    services_report.report_publish(actor=officer, report=report)
    assert ContentVersion.objects.get(scope="public").version == before + 1
    assert AuditEvent.objects.filter(action="disclosure_request.report.publish", object_id=str(report.pk)).exists()
    # Data that changes later does not change the published report.
    submit_on((2025, 12, 30), actor=citizen, department=dept)
    doc = selectors_report.report_document(report)
    assert _row(doc["figures"]["requests"], "new")["total"] == 3
    assert _row(selectors_report.request_table(year=2025), "new")["total"] == 4
    assert doc["figures"]["proactive"]["penalty"] == 7 and doc["figures"]["proactive"]["fees"] == "1.50"
    assert doc["figures"]["review"][0]["values"] == [2, 0, 0, 1, 3]
    with pytest.raises(Conflict):
        services_report.report_update(actor=officer, report=report, overview="改", problems="", other_matters="", manual={})
    # 2026 compares its carry-in with what 2025 published: the late 2025 request makes them differ.
    draft = services_report.report_create(actor=officer, year=2026)
    check = selectors_report.report_document(draft)["previous"]
    assert check == {"year": 2025, "published": 2, "now": 3, "ok": False}


@pytest.mark.parametrize("manual,field", [
    ({"penalty_decisions": "-1"}, "penalty_decisions"),
    ({"review_other": "三"}, "review_other"),
    ({"fees_amount": "1.234"}, "fees_amount"),
    ({"fees_amount": "NaN"}, "fees_amount"),
    ({"litigation_direct_pending": "99999999999"}, "litigation_direct_pending"),
])
def test_manual_figures_are_validated(db, officer, manual, field):
    report = services_report.report_create(actor=officer, year=2026)
    with pytest.raises(ValidationFailed) as exc:
        services_report.report_update(actor=officer, report=report, overview="", problems="", other_matters="", manual=manual)
    assert field in exc.value.details["fields"]


def test_one_report_per_year_and_sane_years(db, officer):
    services_report.report_create(actor=officer, year=2026)
    with pytest.raises(Conflict):
        services_report.report_create(actor=officer, year="2026")
    for bad in ("abc", 1999, None, "20261"):
        with pytest.raises(ValidationFailed):
            services_report.report_create(actor=officer, year=bad)


def test_excel_export_opens_and_holds_the_table(two_years, officer):
    from openpyxl import load_workbook

    report = services_report.report_create(actor=officer, year=2026)
    data = report_xlsx(selectors_report.report_document(report))
    ws = load_workbook(io.BytesIO(data)).active
    rows = {r[0]: r[1:9] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)}
    assert rows["一、本年新收政府信息公开申请数量"] == (1, 0, 1, 0, 1, 0, 3, None)
    assert rows["        1.属于国家秘密"][:7] == (0, 0, 0, 0, 0, 0, 0)
    assert rows["        4.保护第三方合法权益"][0] == 1
    assert rows["四、结转下年度继续办理"][:7] == (0, 1, 0, 0, 1, 0, 2)


def test_pdf_export_is_a_pdf_whose_text_shows_the_table(two_years, officer):
    report = services_report.report_create(actor=officer, year=2026)
    data = report_pdf(selectors_report.report_document(report))
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext 未安装")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    for words in ("收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量", "予以公开", "保护第三方合法权益",
                  "结转下年度继续办理", "自然人", "商业企业", "法律服务机构", "行政复议", "各列均满足"):
        assert words in text, words
