import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.models import AuditEvent
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column, Disclosure, DocumentKind, Status, Validity

from .conftest import at, draft_to_published, published

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ public pages


def test_detail_page_shows_the_record_metadata(client, dept, gk_item):
    row = published(
        dept, title="示例县行政规范性文件管理办法", column=Column.POLICY, document_kind=DocumentKind.NORMATIVE,
        document_number="示政发〔2026〕3号", written_on=dt.date(2026, 2, 25), when=at(2026, 3, 1),
        catalog_item=gk_item, body='<p>第一条<script>alert(1)</script></p>',
    )

    response = client.get(reverse("disclosure:detail", args=[row.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("TC-31/2026-00001", "县人民政府办公室", "2026-02-25", "示政发〔2026〕3号", "2026-03-01", "有效",
                 "行政规范性文件", "GK001", "第一条"):
        assert text in html, text
    assert "alert(1)" not in html


def test_repealed_validity_is_shown_on_the_original_page_with_its_date(client, dept, publisher):
    row = published(dept, title="旧办法", column=Column.POLICY, when=at(2025, 1, 1))
    services.disclosure_validity_change(actor=publisher, disclosure=row, validity=Validity.REPEALED,
                                        changed_on=dt.date(2026, 6, 30), note="由新办法替代")

    html = client.get(reverse("disclosure:detail", args=[row.pk])).content.decode()

    assert "本文件已于 2026年6月30日 废止:由新办法替代" in html
    assert "已废止(2026-06-30)" in html


def test_unpublished_and_withdrawn_records_are_not_found(client, dept, editor, publisher, django_capture_on_commit_callbacks):
    draft = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="草稿", body_html="x")
    gone = draft_to_published(editor, publisher, dept, title="将被撤回")
    url = reverse("disclosure:detail", args=[gone.pk])
    assert client.get(url).status_code == 200  # now cached for anonymous visitors

    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_withdraw(actor=publisher, disclosure=gone, reason="内容有误")

    assert client.get(url).status_code == 404  # the withdraw's audit row invalidated the cache
    assert client.get(reverse("disclosure:detail", args=[draft.pk])).status_code == 404
    assert client.get(f"/disclosure/{'9' * 30}/").status_code == 404


def test_policy_and_interpretation_pages_link_to_each_other(client, dept):
    policy = published(dept, title="管理办法", column=Column.POLICY)
    interpretation = published(dept, title="《管理办法》政策解读", column=Column.INTERPRETATION, interprets=policy)

    policy_html = client.get(reverse("disclosure:detail", args=[policy.pk])).content.decode()
    interp_html = client.get(reverse("disclosure:detail", args=[interpretation.pk])).content.decode()

    assert f'href="/disclosure/{interpretation.pk}/"' in policy_html and "政策解读" in policy_html
    assert f'href="/disclosure/{policy.pk}/"' in interp_html and "解读的政策文件" in interp_html


def test_lists_per_catalog_item_department_and_column(client, dept, other_dept, gk_item):
    published(dept, title="目录中的办法", column=Column.POLICY, catalog_item=gk_item)
    published(other_dept, title="财政新闻", column=Column.NEWS)

    item_html = client.get(reverse("disclosure:item", args=["GK001"])).content.decode()
    dept_html = client.get(reverse("disclosure:department", args=["TC-06"])).content.decode()
    column_html = client.get(reverse("disclosure:column", args=["news"])).content.decode()

    assert "目录中的办法" in item_html and "财政新闻" not in item_html
    assert "财政新闻" in dept_html and "目录中的办法" not in dept_html
    assert "财政新闻" in column_html and "目录中的办法" not in column_html
    assert 'type="application/rss+xml"' in column_html
    for url in ("/disclosure/items/NOPE/", "/disclosure/departments/NOPE/", "/disclosure/columns/nope/"):
        assert client.get(url).status_code == 404


def test_list_pages_are_paged(client, dept):
    for i in range(25):
        published(dept, title=f"第{i:02d}条新闻", when=at(2026, 1, 1) + dt.timedelta(hours=i))

    first = client.get(reverse("disclosure:column", args=["news"])).content.decode()
    second = client.get(reverse("disclosure:column", args=["news"]), {"page": "2"}).content.decode()

    assert "第24条新闻" in first and "第04条新闻" not in first
    assert "第04条新闻" in second and "共 25 条信息" in second
    assert client.get(reverse("disclosure:column", args=["news"]), {"page": "abc"}).status_code == 200
    assert client.get(reverse("disclosure:column", args=["news"]), {"page": "x\x00"}).status_code == 400


def test_catalog_page_shows_items_and_columns_with_counts(client, dept, gk_item):
    published(dept, title="一", column=Column.POLICY, catalog_item=gk_item)

    html = client.get(reverse("disclosure:catalog")).content.decode()

    assert "政府信息公开目录" in html
    assert "GK001 行政法规、规章和规范性文件" in html
    assert '<a href="/disclosure/columns/policy/">政策文件</a><span class="count">1 条</span>' in html


def test_guide_names_the_office_and_links_to_the_request_page(client, dept):
    from zhengwu.org.roles import Role

    from .conftest import _staff

    dept.address, dept.phone = "人民路1号", "0000-1234531"
    dept.save()
    _staff("gongkai", dept, Role.DISCLOSURE_OFFICER)

    html = client.get(reverse("disclosure:guide")).content.decode()

    assert "政府信息公开指南" in html and "20 个工作日" in html
    assert "县人民政府办公室" in html and "人民路1号" in html and "0000-1234531" in html
    try:
        apply_url = reverse("disclosure_requests:apply")
    except NoReverseMatch:
        apply_url = None
    if apply_url:
        assert f'href="{apply_url}"' in html


def test_published_attachment_downloads_for_anonymous_visitors_only_once_published(client, dept, editor, publisher, upload_root):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="通知")
    [att] = services.disclosure_attachments_add(actor=editor, disclosure=row, uploads=[upload("通知全文.pdf", PDF_BYTES)])
    url = reverse("disclosure:attachment", args=[att.file_id])
    assert client.get(url).status_code == 404

    services.disclosure_submit(actor=editor, disclosure=row)
    services.disclosure_publish(actor=publisher, disclosure=row)
    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "通知全文.pdf" in client.get(reverse("disclosure:detail", args=[row.pk])).content.decode()


def test_section_and_home_panels_list_the_latest_records(client, dept):
    published(dept, title="最新的通知公告", column=Column.NOTICE)

    assert "最新的通知公告" in client.get(reverse("portal:disclosure")).content.decode()
    assert "最新的通知公告" in client.get(reverse("portal:home")).content.decode()


# ------------------------------------------------------------------ staff pages


def test_editor_drafts_and_submits_through_the_office_pages(client, editor, dept):
    login_verified(client, editor)
    response = client.post(reverse("disclosure:office_create"), {
        "department": dept.code, "title": "县政府召开会议", "column": "news", "body_html": "会议内容", "written_on": "",
    })
    row = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("disclosure:office_edit", args=[row.pk])

    client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "submit"})

    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert "县政府召开会议" in client.get(reverse("disclosure:office_list")).content.decode()


def test_office_form_errors_are_shown_in_chinese_not_crashes(client, editor, dept):
    login_verified(client, editor)
    response = client.post(reverse("disclosure:office_create"), {"title": "\x00", "column": "news", "written_on": "2026-99-99"})
    assert response.status_code == 400
    assert "请填写标题" in response.content.decode()


def test_publisher_publishes_from_the_review_queue(client, editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="待审核的新闻", body_html="x")
    services.disclosure_submit(actor=editor, disclosure=row)
    login_verified(client, publisher)

    assert "待审核的新闻" in client.get(reverse("disclosure:office_review")).content.decode()
    response = client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "publish", "back": "review"}, follow=True)

    row.refresh_from_db()
    assert row.status == Status.PUBLISHED
    assert f"已发布,索引号 {row.index_number}" in response.content.decode()


def test_publisher_schedules_from_the_review_queue(client, editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="定时", body_html="x")
    services.disclosure_submit(actor=editor, disclosure=row)
    login_verified(client, publisher)
    when = timezone.localtime() + dt.timedelta(days=1)

    client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "publish", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M")})

    row.refresh_from_db()
    assert row.status == Status.SCHEDULED
    assert timezone.localtime(row.scheduled_at).strftime("%Y-%m-%d %H:%M") == when.strftime("%Y-%m-%d %H:%M")


def test_tampered_first_publish_date_in_the_edit_form_is_refused_and_audited(client, editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept)
    login_verified(client, publisher)
    form = {"title": row.title, "column": row.column, "body_html": row.body_html, "first_published_on": "2019-01-01"}

    response = client.post(reverse("disclosure:office_edit", args=[row.pk]), form)

    assert response.status_code == 400
    assert "一经发布不得修改" in response.content.decode()
    assert AuditEvent.objects.filter(action="disclosure.disclosure.first_published_change", result="failure").count() == 1


def test_another_departments_record_answers_404_in_the_office(client, editor, other_editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题")
    login_verified(client, other_editor)

    assert client.get(reverse("disclosure:office_edit", args=[row.pk])).status_code == 404
    assert client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "submit"}).status_code == 404


def test_withdraw_from_the_office_removes_the_record_from_public_lists(client, editor, publisher, dept,
                                                                      django_capture_on_commit_callbacks):
    row = draft_to_published(editor, publisher, dept, title="要撤回的新闻")
    anonymous = client.__class__()
    assert "要撤回的新闻" in anonymous.get(reverse("disclosure:column", args=["news"])).content.decode()
    login_verified(client, publisher)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "withdraw", "reason": "内容有误", "confirmed": "yes"})

    assert "要撤回的新闻" not in anonymous.get(reverse("disclosure:column", args=["news"])).content.decode()
    assert "要撤回的新闻" not in anonymous.get(reverse("disclosure:feed_column_rss", args=["news"])).content.decode()


def test_validity_change_from_the_office(client, editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept, column=Column.POLICY)
    login_verified(client, publisher)

    client.post(reverse("disclosure:office_action", args=[row.pk]), {
        "action": "validity", "validity": "amended", "changed_on": timezone.localdate().isoformat(), "note": "第三条已修改",
    })

    row.refresh_from_db()
    assert row.validity == Validity.AMENDED and row.validity_note == "第三条已修改"


def test_unknown_actions_and_bad_ids_are_chinese_messages(client, editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题")
    login_verified(client, editor)

    response = client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "explode"}, follow=True)
    assert "不支持的操作" in response.content.decode()
    response = client.post(reverse("disclosure:office_action", args=[row.pk]), {"action": "detach", "attachment": "9" * 40, "confirmed": "yes"}, follow=True)
    assert "附件不存在" in response.content.decode()


def test_office_pages_require_an_editor_or_publisher_post(client, dept):
    from zhengwu.org.roles import Role

    from .conftest import _staff

    handler = _staff("banli", dept, Role.HANDLER)
    login_verified(client, handler)

    assert client.get(reverse("disclosure:office_list")).status_code == 403
    assert client.get(reverse("disclosure:site_health")).status_code == 403
