import datetime as dt
import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.models import StoredFile
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.core.uploads import storage
from zhengwu.disclosure import services
from zhengwu.disclosure.health.report import months_before, site_health_report
from zhengwu.disclosure.models import Column, ExternalLinkCheck

from .conftest import at, published

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 30)


def _rows(report):
    return {r.column.value: r for r in report.columns}


def test_months_before_clamps_to_the_end_of_shorter_months():
    assert months_before(dt.date(2026, 9, 30), 6) == dt.date(2026, 3, 30)
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)


def test_news_column_is_stale_after_14_days_without_a_new_record(dept):
    published(dept, title="新闻", column=Column.NEWS, when=at(2026, 9, 16, 12))

    assert _rows(site_health_report(today=TODAY))["news"].state == "ok"  # 14 days: still up to date
    assert _rows(site_health_report(today=TODAY + dt.timedelta(days=1)))["news"].state == "stale"
    row = _rows(site_health_report(today=TODAY + dt.timedelta(days=1)))["news"]
    assert row.last_updated == dt.date(2026, 9, 16) and row.threshold.label == "14 天"


@pytest.mark.parametrize("column", [Column.NOTICE, Column.POLICY])
def test_notices_and_policy_files_are_stale_after_six_months(dept, column):
    published(dept, title="旧的", column=column, when=at(2026, 3, 30, 10))

    assert _rows(site_health_report(today=TODAY))[column.value].state == "ok"
    assert _rows(site_health_report(today=dt.date(2026, 10, 1)))[column.value].state == "stale"
    assert _rows(site_health_report(today=TODAY))[column.value].threshold.label == "6 个月"


def test_columns_without_any_published_record_are_empty(dept, editor):
    services.disclosure_create(actor=editor, department=dept, column=Column.PERSONNEL, title="草稿不算")
    published(dept, title="预算", column=Column.BUDGET, when=at(2020, 1, 1))

    rows = _rows(site_health_report(today=TODAY))

    assert rows["personnel"].state == "empty" and rows["personnel"].state_label == "空白栏目"
    assert rows["budget"].state == "ok"  # no staleness rule for 财政预决算, only "not empty"


def test_homepage_is_stale_when_nothing_was_published_for_14_days(dept):
    report = site_health_report(today=TODAY)
    assert report.homepage_stale and report.homepage_last is None

    published(dept, title="预算", column=Column.BUDGET, when=at(2026, 9, 16))
    assert not site_health_report(today=TODAY).homepage_stale
    assert site_health_report(today=TODAY + dt.timedelta(days=1)).homepage_stale


def test_broken_internal_links_are_found_without_any_request(dept, gk_item, editor):
    target = published(dept, title="目标")
    body = (
        f'<a href="/disclosure/{target.pk}/">好链接</a>'
        '<a href="/disclosure/999999/">不存在的信息</a>'
        '<a href="/no/such/page/">坏页面</a>'
        '<a href="/catalog/items/GK001/">事项</a>'
        '<a href="/catalog/items/NOPE/">坏事项</a>'
        '<a href="/files/00000000-0000-0000-0000-000000000000/">坏文件</a>'
        '<a href="http://localhost/nowhere/">本站绝对地址</a>'
        '<a href="https://www.gov.cn/">外部</a><a href="mailto:a@b.cn">邮件</a><a href="#top">锚点</a>'
    )
    source = published(dept, title="含链接的信息", body=body)

    problems = {(p.url, p.reason) for p in site_health_report(today=TODAY).broken_links}

    assert problems == {
        ("/disclosure/999999/", "链接的公开信息不存在或已撤回"),
        ("/no/such/page/", "页面不存在"),
        ("/catalog/items/NOPE/", "链接的事项不存在"),
        ("/files/00000000-0000-0000-0000-000000000000/", "链接的文件不存在或已删除"),
        ("http://localhost/nowhere/", "页面不存在"),
    }
    assert all(p.disclosure == source for p in site_health_report(today=TODAY).broken_links)


def test_missing_attachments_record_deleted_or_file_gone(dept, editor, publisher, upload_root):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="附件通知")
    a, b, c = services.disclosure_attachments_add(
        actor=editor, disclosure=row, uploads=[upload("甲.pdf", PDF_BYTES), upload("乙.pdf", PDF_BYTES), upload("丙.pdf", PDF_BYTES)],
    )
    services.disclosure_submit(actor=editor, disclosure=row)
    services.disclosure_publish(actor=publisher, disclosure=row)
    assert site_health_report(today=TODAY).missing_attachments == []

    storage.path_for(a.file.storage_name).unlink()  # the file is gone from disk
    StoredFile.objects.filter(pk=b.file_id).update(is_deleted=True)  # flagged deleted behind our back
    StoredFile.objects.filter(pk=c.file_id).delete()  # the record itself is gone

    reasons = {(p.name, p.reason) for p in site_health_report(today=TODAY).missing_attachments}
    assert reasons == {("甲.pdf", "服务器上找不到文件"), ("乙.pdf", "文件已被删除"), ("丙.pdf", "文件记录已不存在")}


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_external_link_command_records_results_shown_on_the_page(client, dept, publisher, local_site, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # 127.0.0.1 is "another site" here
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"  # bound, never listening: refused at once
    sock.close()
    published(dept, title="外链", body=f'<a href="{local_site}/ok">好</a><a href="{local_site}/gone">坏</a><a href="{dead}">死</a>')

    out = io.StringIO()
    call_command("disclosure_check_links", "--timeout", "2", stdout=out)
    assert "共检查 3 个外部链接,2 个无法访问" in out.getvalue()

    results = {c.url: (c.ok, c.status_code) for c in ExternalLinkCheck.objects.all()}
    assert results == {f"{local_site}/ok": (True, 200), f"{local_site}/gone": (False, 404), dead: (False, None)}
    login_verified(client, publisher)
    html = client.get(reverse("disclosure:site_health")).content.decode()
    assert f"{local_site}/gone" in html and "HTTP 404" in html and f"{local_site}/ok" not in html.split("外部链接")[-1]


def test_site_health_page_shows_each_row_with_its_threshold(client, dept, publisher):
    published(dept, title="旧新闻", column=Column.NEWS, when=at(2025, 1, 1))
    login_verified(client, publisher)

    html = client.get(reverse("disclosure:site_health")).content.decode()

    assert 'data-column="news" data-state="stale"' in html and "14 天" in html and "2025-01-01" in html
    assert 'data-column="personnel" data-state="empty"' in html
    assert "首页信息更新" in html
