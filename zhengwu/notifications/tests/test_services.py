"""notify(): the message row, audited; delivery through the backends only after commit."""

import logging

import pytest
from django.db import transaction

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.notifications.models import Message
from zhengwu.notifications.services import (
    message_mark_read,
    messages_mark_all_read,
    notify,
)

from . import recording_backend

pytestmark = pytest.mark.django_db

RECORDING = "zhengwu.notifications.tests.recording_backend.RecordingBackend"
BROKEN = "zhengwu.notifications.tests.recording_backend.BrokenBackend"
LOG = "zhengwu.notifications.backends.LogBackend"


@pytest.fixture(autouse=True)
def clear_sent():
    recording_backend.SENT.clear()


def test_notify_writes_the_message_audits_it_and_delivers_after_commit(settings, django_capture_on_commit_callbacks):
    settings.ZHENGWU_NOTIFY_BACKENDS = [RECORDING]
    person = CitizenFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = notify(recipient=person, title="办件进展", body="已受理", link="/messages/")
    assert recording_backend.SENT == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    assert recording_backend.SENT == [message.pk]
    assert (message.recipient_id, message.title, message.read_at) == (person.pk, "办件进展", None)
    assert AuditEvent.objects.filter(action="notifications.message.create", object_id=str(message.pk)).count() == 1


def test_a_rolled_back_change_sends_nothing(settings, django_capture_on_commit_callbacks):
    settings.ZHENGWU_NOTIFY_BACKENDS = [RECORDING]
    person = CitizenFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipient=person, title="不会送达", body="")
                raise RuntimeError("the caller's change failed")

    assert callbacks == [] and recording_backend.SENT == []
    assert not Message.objects.exists()


def test_a_broken_channel_does_not_stop_the_others(settings, django_capture_on_commit_callbacks):
    settings.ZHENGWU_NOTIFY_BACKENDS = [BROKEN, RECORDING]

    with django_capture_on_commit_callbacks(execute=True):
        message = notify(recipient=CitizenFactory(), title="通知", body="")

    assert recording_backend.SENT == [message.pk]


def test_the_log_backend_logs_ids_but_no_personal_data(settings, django_capture_on_commit_callbacks, caplog):
    settings.ZHENGWU_NOTIFY_BACKENDS = [LOG]
    person = CitizenFactory(real_name="王小明", phone="13912345678")

    with caplog.at_level(logging.INFO, logger="zhengwu.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            message = notify(recipient=person, title="办件ZW20260924000001已受理", body="王小明您好,宅基地审批已受理")

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "zhengwu.notifications")
    assert f"message_id={message.pk}" in logged and f"recipient_id={person.pk}" in logged
    for secret in ("王小明", "13912345678", "ZW20260924000001", "宅基地", person.username):
        assert secret not in logged


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_links_off_the_site_are_refused(link):
    with pytest.raises(ValidationFailed, match="只能指向本站页面"):
        notify(recipient=CitizenFactory(), title="通知", body="", link=link)
    assert not Message.objects.exists()


def test_an_empty_title_is_refused():
    with pytest.raises(ValidationFailed, match="标题不能为空"):
        notify(recipient=CitizenFactory(), title="  ", body="x")


def test_only_the_recipient_marks_a_message_read():
    owner, other = CitizenFactory(), CitizenFactory()
    message = notify(recipient=owner, title="通知", body="")

    with pytest.raises(NotFound):
        message_mark_read(actor=other, message_id=message.pk)
    assert message_mark_read(actor=owner, message_id=message.pk).read_at is not None
    notify(recipient=owner, title="二", body="")
    notify(recipient=owner, title="三", body="")
    assert messages_mark_all_read(actor=owner) == 2
    assert not Message.objects.filter(recipient=owner, read_at__isnull=True).exists()
