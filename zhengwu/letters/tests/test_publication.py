from datetime import date

import pytest

from zhengwu.accounts.tests.timetravel import at
from zhengwu.core.errors import PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent, ContentVersion
from zhengwu.letters import services
from zhengwu.letters.models import Letter, Publication
from zhengwu.letters.registrations.search import get_one, iter_all
from zhengwu.letters.selectors import monthly_stats, published_get, published_list

from .conftest import BODY, moment, submit

pytestmark = pytest.mark.django_db

PERSONAL_BODY = "我叫王小明,电话13912345678,家住城关镇阳光小区3栋501室,楼下饭店油烟很大,请处理。"


def replied_letter(citizen, staff, **kw):
    letter = submit(citizen, **kw)
    services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
    services.letter_reply_draft(actor=staff["env_handler"], letter=letter,
                                body="王小明您好:经查,已责令阳光小区楼下饭店安装净化设施。如有问题请拨打0371-12345678。")
    services.letter_reply_decide(actor=staff["env_head"], letter=letter, approve=True)
    letter.refresh_from_db()
    return letter


def test_prepare_masks_the_letter_and_the_reply_for_review(citizen, staff):
    letter = replied_letter(citizen, staff, body=PERSONAL_BODY)

    draft = services.publication_prepare(actor=staff["clerk"], letter=letter)

    assert draft.status == Publication.Status.DRAFT
    for text in (draft.body, draft.reply):
        assert "王小明" not in text and "13912345678" not in text and "阳光小区" not in text
        assert "0371-12345678" not in text
    assert "油烟很大" in draft.body and "王某" in draft.body
    assert {"phone", "name", "address", "landline"} <= {f["kind"] for f in draft.findings}
    assert not Letter.objects.get(pk=letter.pk).is_published


def test_publish_saves_the_reviewed_text_bumps_the_public_cache_and_indexes(citizen, staff, django_capture_on_commit_callbacks):
    letter = replied_letter(citizen, staff, body=PERSONAL_BODY)
    draft = services.publication_prepare(actor=staff["clerk"], letter=letter)
    before = ContentVersion.objects.filter(scope="public").values_list("version", flat=True).first() or 0

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_publish(actor=staff["clerk"], publication=draft, title="饭店油烟扰民问题",
                                     body=draft.body.replace("某小区", "某处"), reply=draft.reply)

    published = published_get(publication_id=draft.pk)
    assert published.title == "饭店油烟扰民问题" and "某处" in published.body
    assert Letter.objects.get(pk=letter.pk).is_published
    assert ContentVersion.objects.get(scope="public").version > before
    assert AuditEvent.objects.filter(action="letters.publication.publish").exists()
    [doc] = list(iter_all())
    assert doc.doc_type == "letter" and doc.title == "饭店油烟扰民问题" and doc.department_code == "LX-HB"
    assert "13912345678" not in doc.body


def test_publish_refuses_text_that_still_has_a_phone_or_the_writers_name(citizen, staff):
    letter = replied_letter(citizen, staff, body=PERSONAL_BODY)
    draft = services.publication_prepare(actor=staff["clerk"], letter=letter)

    with pytest.raises(ValidationFailed, match="手机号"):
        services.publication_publish(actor=staff["clerk"], publication=draft, title="油烟",
                                     body=draft.body + "回电13800001111", reply=draft.reply)
    with pytest.raises(ValidationFailed, match="姓名"):
        services.publication_publish(actor=staff["clerk"], publication=draft, title="油烟",
                                     body=draft.body, reply="王小明您好," + draft.reply)
    assert published_list()[0] == []


def test_no_consent_no_publication(citizen, staff):
    letter = replied_letter(citizen, staff, publish_consent=False)

    with pytest.raises(ValidationFailed, match="未同意公开"):
        services.publication_prepare(actor=staff["clerk"], letter=letter)


def test_report_letters_are_never_published(citizen, staff):
    letter = replied_letter(citizen, staff, channel="report")
    Letter.objects.filter(pk=letter.pk).update(publish_consent=True)  # even if consent were recorded
    letter.refresh_from_db()

    with pytest.raises(ValidationFailed, match="不公开"):
        services.publication_prepare(actor=staff["clerk"], letter=letter)


def test_only_the_letters_office_publishes(citizen, staff):
    letter = replied_letter(citizen, staff)

    with pytest.raises(PermissionDenied):
        services.publication_prepare(actor=staff["env_head"], letter=letter)


def test_withdraw_takes_it_off_the_site_and_out_of_search(citizen, staff, django_capture_on_commit_callbacks):
    letter = replied_letter(citizen, staff)
    draft = services.publication_prepare(actor=staff["clerk"], letter=letter)
    services.publication_publish(actor=staff["clerk"], publication=draft, title=draft.title, body=draft.body,
                                 reply=draft.reply)

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withdraw(actor=staff["clerk"], publication=draft, reason="来信人撤回同意")

    assert get_one(str(draft.pk)) is None and published_list()[0] == []
    assert not Letter.objects.get(pk=letter.pk).is_published


def test_monthly_statistics_count_received_replied_on_time_and_satisfaction(citizen, other_citizen, staff, calendar_2026,
                                                                             settings):
    settings.ZHENGWU_LETTERS_RATE_USER = (100, 3600)
    with at(moment(2026, 8, 31, 23)):  # Beijing time: still August
        submit(citizen, body=BODY + "八月")
    with at(moment(2026, 9, 24)):
        on_time = submit(citizen, body=BODY + "一")
        late = submit(other_citizen, body=BODY + "二")
        for letter in (on_time, late):
            services.letter_assign(actor=staff["clerk"], letter=letter, department="LX-HB")
            services.letter_reply_draft(actor=staff["env_handler"], letter=letter, body="已处理完毕。")
    with at(moment(2026, 10, 9)):
        services.letter_reply_decide(actor=staff["env_head"], letter=on_time, approve=True)
        services.letter_rate(actor=citizen, letter=on_time, satisfaction="satisfied")
    with at(moment(2026, 10, 30)):
        services.letter_reply_decide(actor=staff["env_head"], letter=late, approve=True)
        services.letter_rate(actor=other_citizen, letter=late, satisfaction="unsatisfied")

    rows = {r.month: r for r in monthly_stats(months=3, today=date(2026, 10, 31))}

    assert list(rows) == ["2026-08", "2026-09", "2026-10"]
    assert rows["2026-08"].received == 1 and rows["2026-09"].received == 2
    october = rows["2026-10"]
    assert (october.replied, october.on_time, october.on_time_rate) == (2, 1, 50.0)
    assert (october.rated, october.satisfied, october.unsatisfied, october.satisfaction_rate) == (2, 1, 1, 50.0)
