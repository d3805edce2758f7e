import datetime as dt

import pytest
from django.utils import timezone

from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
from zhengwu.core.uploads import file_can_download
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column, Disclosure, DocumentKind, Status, Validity
from zhengwu.disclosure.tasks import disclosure_publish_due_task

from .conftest import at, draft_to_published, published

pytestmark = pytest.mark.django_db


def _audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# ------------------------------------------------------------------ drafts and permissions


def test_editor_creates_an_audited_draft_with_the_department_as_issuing_body(editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="  县政府\x00召开会议 ", body_html="第一段\n\n第二段")

    assert row.status == Status.DRAFT
    assert row.title == "县政府召开会议"
    assert row.issuing_body == dept.name
    assert row.body_html == "<p>第一段</p><p>第二段</p>"
    assert row.index_number is None and row.first_published_at is None
    [event] = _audit("disclosure.disclosure.create")
    assert event.object_id == str(row.pk) and event.actor_id == editor.pk


def test_editor_of_another_department_may_not_write_for_this_one(other_editor, dept):
    with pytest.raises(PermissionDenied) as exc:
        services.disclosure_create(actor=other_editor, department=dept, column=Column.NEWS, title="标题")
    assert "信息员" in exc.value.message
    assert not Disclosure.objects.exists()


def test_publisher_alone_may_not_write_drafts(publisher, dept):
    with pytest.raises(PermissionDenied):
        services.disclosure_create(actor=publisher, department=dept, column=Column.NEWS, title="标题")


def test_a_post_in_a_section_counts_for_its_department(dept):
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit
    from zhengwu.org.roles import Role

    from .conftest import _staff

    section = org_services.unit_create(actor=None, code="TC-31-01", name="政务公开科", kind=Unit.Kind.SECTION, parent=dept)
    section_editor = _staff("kebianji", section, Role.EDITOR)

    row = services.disclosure_create(actor=section_editor, department=dept, column=Column.NEWS, title="标题")

    assert row.department == dept


@pytest.mark.parametrize("title, message", [("", "请填写标题"), ("长" * 201, "不能超过 200 个字"), (12345, "格式不正确")])
def test_bad_titles_are_refused_in_chinese(editor, dept, title, message):
    with pytest.raises(ValidationFailed) as exc:
        services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title=title)
    assert message in exc.value.message


@pytest.mark.parametrize("field, value", [
    ("column", "nonsense"), ("written_on", "2026-13-45"), ("written_on", "明天"), ("document_kind", "law"),
    ("body_html", ["not", "text"]), ("catalog_item", "NOPE"),
])
def test_bad_field_values_raise_validation_errors_not_crashes(editor, dept, field, value):
    kwargs = {"column": Column.POLICY, "title": "标题", field: value}
    with pytest.raises(ValidationFailed):
        services.disclosure_create(actor=editor, department=dept, **kwargs)


def test_written_date_in_the_future_is_refused(editor, dept):
    with pytest.raises(ValidationFailed, match="成文日期不能晚于今天"):
        services.disclosure_create(
            actor=editor, department=dept, column=Column.NEWS, title="标题",
            written_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_only_policy_files_carry_a_document_kind(editor, dept):
    news = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="新闻", document_kind=DocumentKind.RULE)
    policy = services.disclosure_create(actor=editor, department=dept, column=Column.POLICY, title="办法")

    assert news.document_kind == ""
    assert policy.document_kind == DocumentKind.OTHER


# ------------------------------------------------------------------ workflow


def test_draft_goes_through_review_and_gets_an_index_number_on_publication(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="通知", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    assert row.status == Status.PENDING

    services.disclosure_publish(actor=publisher, disclosure=row)

    row.refresh_from_db()
    assert row.status == Status.PUBLISHED
    assert row.published_by == publisher
    assert row.first_published_at is not None
    assert row.index_number == f"TC-31/{timezone.localtime(row.first_published_at).year}-00001"
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(row.pk), action__startswith="disclosure.").order_by("id")] == [
        "disclosure.disclosure.create", "disclosure.disclosure.submit", "disclosure.disclosure.publish",
    ]


def test_index_numbers_run_per_department_and_year(dept, other_dept):
    a1 = published(dept, title="a1", when=at(2025, 12, 31, 23, 0))
    a2 = published(dept, title="a2", when=at(2026, 1, 1, 8, 0))
    a3 = published(dept, title="a3", when=at(2026, 2, 1))
    b1 = published(other_dept, title="b1", when=at(2026, 2, 1))

    assert [a1.index_number, a2.index_number, a3.index_number, b1.index_number] == [
        "TC-31/2025-00001", "TC-31/2026-00001", "TC-31/2026-00002", "TC-06/2026-00001",
    ]


def test_an_empty_draft_cannot_be_submitted(editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="<script>x</script>")
    with pytest.raises(ValidationFailed, match="正文和附件不能都为空"):
        services.disclosure_submit(actor=editor, disclosure=row)


def test_editor_cannot_publish_and_another_departments_publisher_cannot_either(editor, publisher, other_publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)

    for actor in (editor, other_publisher):
        with pytest.raises(PermissionDenied, match="审核员"):
            services.disclosure_publish(actor=actor, disclosure=row)
    row.refresh_from_db()
    assert row.status == Status.PENDING


def test_a_draft_cannot_be_published_without_review(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    with pytest.raises(Conflict):
        services.disclosure_publish(actor=publisher, disclosure=row)


def test_reject_needs_a_reason_and_sends_the_record_back_to_draft(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    with pytest.raises(ValidationFailed, match="退回原因"):
        services.disclosure_reject(actor=publisher, disclosure=row, reason="  ")

    services.disclosure_reject(actor=publisher, disclosure=row, reason="标题不规范")

    row.refresh_from_db()
    assert row.status == Status.DRAFT and row.reject_reason == "标题不规范"
    # and the editor can change it and submit again.
    services.disclosure_update(actor=editor, disclosure=row, title="规范的标题")
    services.disclosure_submit(actor=editor, disclosure=row)
    assert row.status == Status.PENDING and row.reject_reason == ""


def test_a_record_under_review_cannot_be_edited(editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    with pytest.raises(Conflict, match="退回草稿"):
        services.disclosure_update(actor=editor, disclosure=row, title="改")


def test_publisher_corrects_a_published_record_and_the_update_date_is_set(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept)
    with pytest.raises(PermissionDenied):
        services.disclosure_update(actor=editor, disclosure=row, title="改标题")

    services.disclosure_update(actor=publisher, disclosure=row, title="更正后的标题")

    row.refresh_from_db()
    assert row.title == "更正后的标题" and row.revised_at is not None
    assert _audit("disclosure.disclosure.update")[-1].details["fields"] == ["title"]


def test_withdraw_needs_a_reason_and_only_a_published_record_can_be_withdrawn(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept)
    with pytest.raises(ValidationFailed):
        services.disclosure_withdraw(actor=publisher, disclosure=row, reason="")
    with pytest.raises(PermissionDenied):
        services.disclosure_withdraw(actor=editor, disclosure=row, reason="错误")

    services.disclosure_withdraw(actor=publisher, disclosure=row, reason="内容有误")

    row.refresh_from_db()
    assert row.status == Status.WITHDRAWN and row.withdraw_reason == "内容有误"
    with pytest.raises(Conflict):
        services.disclosure_withdraw(actor=publisher, disclosure=row, reason="再次")


# ------------------------------------------------------------------ first-publish date


def test_moving_the_first_publish_date_is_refused_and_audited_as_a_failure(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept)
    original = row.first_published_at

    with pytest.raises(ValidationFailed) as exc:
        services.disclosure_update(actor=publisher, disclosure=row, title="新标题", first_published_at="2020-01-01")

    assert "首次发布日期" in exc.value.message and "不得修改" in exc.value.message
    row.refresh_from_db()
    assert row.first_published_at == original and row.title == "县政府召开常务会议"
    [event] = _audit("disclosure.disclosure.first_published_change")
    assert event.result == AuditEvent.Result.FAILURE
    assert event.actor_id == publisher.pk and event.object_id == str(row.pk)
    assert event.details["attempted"] == "2020-01-01"


def test_resubmitting_the_same_first_publish_date_is_not_a_change(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept)
    same_day = timezone.localdate(row.first_published_at).isoformat()

    services.disclosure_update(actor=publisher, disclosure=row, title="新标题", first_published_at=same_day)

    assert row.title == "新标题"
    assert not _audit("disclosure.disclosure.first_published_change")


def test_a_first_publish_date_cannot_be_typed_into_a_draft(editor, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题")
    with pytest.raises(ValidationFailed, match="自动记录"):
        services.disclosure_update(actor=editor, disclosure=row, first_published_at="2026-01-01")
    assert len(_audit("disclosure.disclosure.first_published_change")) == 1


def test_republishing_never_moves_the_first_publish_date(editor, publisher, dept):
    row = published(dept, when=at(2026, 3, 1))
    services.disclosure_update(actor=publisher, disclosure=row, body_html="更正后的正文")
    row.refresh_from_db()
    assert row.first_published_at == at(2026, 3, 1)


# ------------------------------------------------------------------ scheduled publishing


def test_scheduled_publication_waits_for_its_time_then_the_task_publishes_it(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="定时通知", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    when = timezone.now() + dt.timedelta(hours=2)

    services.disclosure_publish(actor=publisher, disclosure=row, at=when)

    assert row.status == Status.SCHEDULED and row.index_number is None
    assert services.disclosure_publish_due(now=when - dt.timedelta(minutes=1)) == []
    assert services.disclosure_publish_due(now=when + dt.timedelta(seconds=30)) == [row.pk]
    row.refresh_from_db()
    assert row.status == Status.PUBLISHED
    assert row.first_published_at == when  # the scheduled time, not the sweep's
    event = _audit("disclosure.disclosure.publish")[-1]
    assert event.actor_id is None and event.details["scheduled"] is True


def test_the_minute_task_publishes_records_whose_time_has_passed(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    services.disclosure_publish(actor=publisher, disclosure=row, at=timezone.now() + dt.timedelta(minutes=5))
    # Time passes: the scheduled moment is now behind us.
    Disclosure.objects.filter(pk=row.pk).update(scheduled_at=timezone.now() - dt.timedelta(seconds=5))

    assert disclosure_publish_due_task.call_local() == [row.pk]
    row.refresh_from_db()
    assert row.status == Status.PUBLISHED


def test_a_rejected_scheduled_record_is_not_published_by_the_task(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    when = timezone.now() + dt.timedelta(hours=1)
    services.disclosure_publish(actor=publisher, disclosure=row, at=when)
    services.disclosure_reject(actor=publisher, disclosure=row, reason="暂缓发布")

    assert services.disclosure_publish_due(now=when + dt.timedelta(hours=1)) == []
    row.refresh_from_db()
    assert row.status == Status.DRAFT and row.scheduled_at is None


def test_naive_or_far_schedule_times_are_refused(editor, publisher, dept):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
    services.disclosure_submit(actor=editor, disclosure=row)
    with pytest.raises(ValidationFailed):
        services.disclosure_publish(actor=publisher, disclosure=row, at=dt.datetime(2030, 1, 1))
    with pytest.raises(ValidationFailed, match="一年"):
        services.disclosure_publish(actor=publisher, disclosure=row, at=timezone.now() + dt.timedelta(days=400))


# ------------------------------------------------------------------ validity


def test_validity_moves_to_repealed_with_its_date_and_cannot_come_back(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept, column=Column.POLICY, document_kind=DocumentKind.NORMATIVE)
    today = timezone.localdate()

    services.disclosure_validity_change(actor=publisher, disclosure=row, validity=Validity.REPEALED, changed_on=today, note="被新办法替代")

    row.refresh_from_db()
    assert (row.validity, row.validity_changed_on, row.validity_note) == (Validity.REPEALED, today, "被新办法替代")
    with pytest.raises(Conflict, match="已废止"):
        services.disclosure_validity_change(actor=publisher, disclosure=row, validity=Validity.AMENDED, changed_on=today)
    assert _audit("disclosure.disclosure.validity")[0].details["to"] == "repealed"


def test_validity_change_checks_its_date_and_who_asks(editor, publisher, dept):
    row = draft_to_published(editor, publisher, dept, column=Column.POLICY)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        services.disclosure_validity_change(actor=publisher, disclosure=row, validity=Validity.AMENDED, changed_on=tomorrow)
    with pytest.raises(ValidationFailed):
        services.disclosure_validity_change(actor=publisher, disclosure=row, validity=Validity.VALID, changed_on="2026-01-01")
    with pytest.raises(PermissionDenied):
        services.disclosure_validity_change(actor=editor, disclosure=row, validity=Validity.AMENDED, changed_on=timezone.localdate())


# ------------------------------------------------------------------ policy ↔ interpretation


def test_an_interpretation_links_to_a_policy_file_only(editor, dept):
    policy = services.disclosure_create(actor=editor, department=dept, column=Column.POLICY, title="办法")
    news = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="新闻")

    interpretation = services.disclosure_create(
        actor=editor, department=dept, column=Column.INTERPRETATION, title="解读", interprets=policy.pk,
    )
    assert interpretation.interprets == policy
    assert list(policy.interpretations.all()) == [interpretation]
    with pytest.raises(ValidationFailed):
        services.disclosure_create(actor=editor, department=dept, column=Column.INTERPRETATION, title="解读2", interprets=news)
    with pytest.raises(ValidationFailed, match="只有“政策解读”"):
        services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="新闻2", interprets=policy)


# ------------------------------------------------------------------ attachments


def test_attachments_of_a_draft_are_for_the_department_until_publication(editor, publisher, other_editor, dept, upload_root):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="标题")
    [att] = services.disclosure_attachments_add(actor=editor, disclosure=row, uploads=[upload("通知.pdf", PDF_BYTES)])

    assert att.name == "通知.pdf" and att.file.purpose == services.ATTACHMENT_PURPOSE
    assert file_can_download(user=publisher, stored_file=att.file)
    assert not file_can_download(user=other_editor, stored_file=att.file)

    services.disclosure_submit(actor=editor, disclosure=row)  # an attachment alone is enough content
    services.disclosure_publish(actor=publisher, disclosure=row)

    assert file_can_download(user=other_editor, stored_file=att.file)


def test_removing_an_attachment_flags_the_file_deleted(editor, dept, upload_root):
    row = services.disclosure_create(actor=editor, department=dept, column=Column.NOTICE, title="标题")
    [att] = services.disclosure_attachments_add(actor=editor, disclosure=row, uploads=[upload("a.pdf", PDF_BYTES)])
    stored = att.file

    services.disclosure_attachment_remove(actor=editor, attachment=att)

    stored.refresh_from_db()
    assert stored.is_deleted and not row.attachments.exists()
    assert _audit("disclosure.attachment.remove")


def test_import_is_for_the_system_only(editor, dept):
    with pytest.raises(PermissionDenied):
        services.disclosure_import(actor=editor, department=dept, column=Column.NEWS, title="t", body_html="b",
                                   first_published_at=at(2026, 1, 1))


def test_public_changes_ask_search_to_reindex_after_commit(editor, publisher, dept, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    import zhengwu.search.services as search_services

    queued = []
    monkeypatch.setattr(search_services, "search_index_enqueue", lambda doc_type, doc_id: queued.append((doc_type, doc_id)))
    with django_capture_on_commit_callbacks(execute=True):
        row = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="标题", body_html="内容")
        services.disclosure_submit(actor=editor, disclosure=row)
    assert queued == []  # drafts are not public

    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_publish(actor=publisher, disclosure=row)
    with django_capture_on_commit_callbacks(execute=True):
        services.disclosure_withdraw(actor=publisher, disclosure=row, reason="错误")

    assert queued == [("disclosure", str(row.pk)), ("disclosure", str(row.pk))]
