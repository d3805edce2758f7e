import pytest
from django.core.cache import cache
from django.utils import timezone

from zhengwu.core.errors import Conflict, RateLimited, ValidationFailed
from zhengwu.letters import services
from zhengwu.letters.models import Letter, SensitiveWord
from zhengwu.core.ratelimit import rate_limit_check
from zhengwu.letters.moderation import (
    moderation_check,
    moderation_review_words,
)

from .conftest import BODY, submit

pytestmark = pytest.mark.django_db


def test_the_default_list_is_loaded_and_finds_blocking_words():
    assert SensitiveWord.objects.filter(level="block").count() >= 10
    assert moderation_check(text="有人在网上代开发票") == ["代开发票"]
    assert moderation_check(text="楼下饭店油烟太大") == []


def test_words_split_by_spaces_or_symbols_are_still_found():
    assert moderation_check(text="代 开*发·票,便宜") == ["代开发票"]


def test_review_words_are_not_blocking_but_are_reported():
    assert moderation_check(text="再不解决我就跳楼") == []
    assert moderation_review_words(text="再不解决我就跳楼") == ["跳楼"]


def test_non_text_input_does_not_crash():
    assert moderation_check(text=None) == []
    assert moderation_check(text=12345) == []


def test_a_letter_with_blocking_words_is_refused_naming_them(citizen, staff):
    with pytest.raises(ValidationFailed) as exc:
        submit(citizen, body=BODY + "出售毒品的人就在楼下,还有人办假证")

    assert "出售毒品" in exc.value.message and "办假证" in exc.value.message
    assert exc.value.details["words"] == ["出售毒品", "办假证"]
    assert not Letter.objects.exists()


def test_a_letter_with_review_words_is_received_and_flagged_for_the_clerk(citizen, staff):
    letter = submit(citizen, body=BODY + "再不解决我就跳楼")

    assert letter.moderation_words == ["跳楼"]


def test_staff_edits_of_the_list_apply_at_once(staff):
    clerk = staff["clerk"]
    word = services.sensitive_word_add(actor=clerk, word="刷单返利")
    assert moderation_check(text="招聘刷单返利兼职") == ["刷单返利"]

    services.sensitive_word_update(actor=clerk, word=word, is_active=False)
    assert moderation_check(text="招聘刷单返利兼职") == []
    with pytest.raises(Conflict):
        services.sensitive_word_add(actor=clerk, word="刷单返利")


def test_only_the_letters_office_or_the_system_admin_edits_the_list(staff):
    from zhengwu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.sensitive_word_add(actor=staff["env_handler"], word="随便")


def test_rate_limit_refuses_above_the_limit_in_the_window(monkeypatch):
    # Inside one fixed window whatever the wall clock says (a minute boundary mid-test
    # would start a fresh count).
    pinned = timezone.now().replace(second=1, microsecond=0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: pinned)
    for _ in range(3):
        rate_limit_check(key="test:a", limit=3, window_seconds=60)

    with pytest.raises(RateLimited) as exc:
        rate_limit_check(key="test:a", limit=3, window_seconds=60)
    assert exc.value.code == "rate_limited" and "1 分钟" in exc.value.message
    assert exc.value.status == 429 and exc.value.retry_after == 59  # until the window ends
    rate_limit_check(key="test:b", limit=3, window_seconds=60)  # another key is untouched


def test_rate_limit_holds_across_worker_processes(monkeypatch):
    # Each gunicorn worker has its own LocMem cache; emptying the cache between attempts is
    # what an attempt landing on the other worker looked like to a cache-held counter.
    pinned = timezone.now().replace(minute=0, second=1, microsecond=0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: pinned)
    for _ in range(2):
        rate_limit_check(key="test:workers", limit=2, window_seconds=3600)
        cache.clear()

    with pytest.raises(RateLimited) as exc:
        rate_limit_check(key="test:workers", limit=2, window_seconds=3600)
    assert exc.value.code == "rate_limited" and "1 小时" in exc.value.message
    assert exc.value.retry_after == 3599


def test_submission_is_limited_per_user(citizen, staff, settings):
    settings.ZHENGWU_LETTERS_RATE_USER = (2, 3600)
    submit(citizen, body=BODY + "一")
    submit(citizen, body=BODY + "二")

    with pytest.raises(RateLimited, match="操作过于频繁"):
        submit(citizen, body=BODY + "三")


def test_submission_is_limited_per_ip_for_anonymous_writers(staff, settings):
    settings.ZHENGWU_LETTERS_RATE_IP = (2, 3600)
    submit(None, channel="suggestion", body=BODY + "一", ip="10.1.2.3")
    submit(None, channel="suggestion", body=BODY + "二", ip="10.1.2.3")

    with pytest.raises(RateLimited, match="操作过于频繁"):
        submit(None, channel="suggestion", body=BODY + "三", ip="10.1.2.3")
    submit(None, channel="suggestion", body=BODY + "四", ip="10.9.9.9")


def test_the_same_writer_resending_the_same_text_is_refused_with_the_first_query_code(citizen, staff):
    first = submit(citizen)

    with pytest.raises(Conflict) as exc:
        submit(citizen, title="再次反映油烟", body="  " + BODY.replace(",", ", ") + "  ")
    assert first.query_code in exc.value.message
    assert exc.value.details == {"query_code": first.query_code}


def test_the_same_text_from_someone_else_is_received_and_linked_as_a_duplicate(citizen, other_citizen, staff):
    first = submit(citizen)
    second = submit(other_citizen)
    anonymous = submit(None, channel="suggestion")

    assert second.duplicate_of == first
    assert anonymous.duplicate_of == second


def test_after_the_window_the_same_text_is_a_new_letter(citizen, staff, settings):
    from datetime import timedelta

    from django.utils import timezone

    from zhengwu.accounts.tests.timetravel import at

    first = submit(citizen)
    with at(timezone.now() + timedelta(days=31)):
        again = submit(citizen)
    assert again.pk != first.pk and again.duplicate_of is None


def test_channel_policy_is_changed_only_by_the_system_admin_and_petitions_stay_real_name(staff, units):
    from zhengwu.accounts.tests.factories import StaffFactory
    from zhengwu.core.errors import PermissionDenied
    from zhengwu.letters.models import ChannelPolicy
    from zhengwu.org.roles import Role
    from zhengwu.org.tests.factories import grant_post

    admin = grant_post(StaffFactory(), Role.SYSTEM_ADMIN, unit=units["county"])
    consultation = ChannelPolicy.objects.get(channel="consultation")
    with pytest.raises(PermissionDenied):
        services.channel_policy_update(actor=staff["clerk"], policy=consultation, handle_days=7)
    services.channel_policy_update(actor=admin, policy=consultation, handle_days=7)
    assert ChannelPolicy.objects.get(channel="consultation").handle_days == 7
    with pytest.raises(ValidationFailed, match="必须实名"):
        services.channel_policy_update(actor=admin, policy=ChannelPolicy.objects.get(channel="petition"),
                                       allow_anonymous=True)
    with pytest.raises(ValidationFailed, match="之间"):
        services.channel_policy_update(actor=admin, policy=consultation, handle_days=0)
