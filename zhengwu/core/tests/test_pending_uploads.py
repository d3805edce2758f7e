"""Uploads on selection: kept for a form, attached with its record, purged when forgotten."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.models import PendingUpload, StoredFile
from zhengwu.core.uploads import storage
from zhengwu.core.uploads.pending import (
    PENDING_PURPOSE,
    UploadOwner,
    pending_upload_create,
    pending_uploads_attach,
    pending_uploads_get,
    pending_uploads_purge,
    size_label,
)
from zhengwu.core.tests.upload_samples import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


def test_choosing_a_file_answers_a_token_with_name_and_size(client):
    user = CitizenFactory()
    client.force_login(user)

    response = client.post(reverse("core:pending_upload"), {"file": upload("说明.pdf", PDF_BYTES), "field": "attachments"})

    assert response.status_code == 201
    data = response.json()
    row = PendingUpload.objects.get(token=data["token"])
    assert data["name"] == "说明.pdf" and data["size"] == size_label(row.stored_file.size)
    assert row.user == user and row.stored_file.purpose == PENDING_PURPOSE and row.stored_file.object_id == ""


def test_a_refused_file_answers_a_chinese_error_and_stores_nothing(client):
    client.force_login(CitizenFactory())

    response = client.post(reverse("core:pending_upload"), {"file": upload("病毒.exe", b"MZ\x90\x00" * 10)})

    assert response.status_code == 400 and "不支持的文件类型" in response.json()["message"]
    assert not PendingUpload.objects.exists() and not StoredFile.objects.exists()


def test_nobody_else_can_use_a_token(client):
    owner, other = CitizenFactory(), CitizenFactory()
    row = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("a.pdf", PDF_BYTES))

    assert pending_uploads_get(owner=UploadOwner(user=other, session_hash=""), tokens=[row.token]) == []
    assert pending_uploads_get(owner=UploadOwner(user=None, session_hash="x" * 64), tokens=[row.token]) == []
    assert pending_uploads_get(owner=UploadOwner(user=owner, session_hash=""), tokens=[row.token]) == [row]


def test_attaching_moves_the_file_to_its_record_and_drops_the_pending_row():
    owner = CitizenFactory()
    row = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("a.pdf", PDF_BYTES))

    [stored] = pending_uploads_attach(actor=owner, pending=[row], purpose="letters:attachment", owner=owner,
                                      object_type="letters.letter", object_id=7)

    stored.refresh_from_db()
    assert (stored.purpose, stored.object_type, stored.object_id) == ("letters:attachment", "letters.letter", "7")
    assert not PendingUpload.objects.exists()


def test_an_anonymous_record_gets_its_files_under_a_new_id_the_trail_cannot_match():
    # A signed-in citizen chooses a file, then sends the letter anonymously (issue 16):
    # nothing in the audit trail may connect the person to the letter's file.
    from zhengwu.core.models import AuditEvent

    writer = CitizenFactory()
    row = pending_upload_create(owner=UploadOwner(user=writer, session_hash=""), upload=upload("a.pdf", PDF_BYTES))
    chosen_id, storage_name = row.stored_file.pk, row.stored_file.storage_name

    [stored] = pending_uploads_attach(actor=None, pending=[row], purpose="letters:attachment", owner=None,
                                      object_type="letters.letter", object_id=7, anonymous=True)

    stored.refresh_from_db()
    assert stored.pk != chosen_id and stored.storage_name == storage_name and stored.uploaded_by is None
    assert storage.path_for(stored.storage_name).read_bytes() == PDF_BYTES  # the same bytes, kept
    assert not StoredFile.objects.filter(pk=chosen_id).exists() and not PendingUpload.objects.exists()
    upload_row = AuditEvent.objects.get(action="files.upload")
    attach_row = AuditEvent.objects.get(action="files.attach")
    assert upload_row.actor_id == writer.pk and "sha256" not in upload_row.details and "size" not in upload_row.details
    assert attach_row.actor_id is None and attach_row.object_id == str(stored.pk)
    assert attach_row.details["sha256"] == stored.sha256
    assert str(chosen_id) not in str(attach_row.details)


def test_expired_and_orphan_pending_uploads_are_purged_with_their_bytes():
    owner = CitizenFactory()
    keep = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("keep.pdf", PDF_BYTES))
    old = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("old.pdf", PDF_BYTES))
    orphan = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("orphan.pdf", PDF_BYTES))
    PendingUpload.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    orphan_file = orphan.stored_file
    PendingUpload.objects.filter(pk=orphan.pk).delete()
    StoredFile.objects.filter(pk=orphan_file.pk).update(created_at=timezone.now() - timedelta(hours=2))
    old_path, orphan_path = storage.path_for(old.stored_file.storage_name), storage.path_for(orphan_file.storage_name)
    assert old_path.exists() and orphan_path.exists()

    with pytest.MonkeyPatch.context() as mp:
        # Run on-commit callbacks at once (the test transaction never commits).
        mp.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        removed = pending_uploads_purge()

    assert removed == 2
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [keep.pk]
    assert set(StoredFile.objects.values_list("pk", flat=True)) == {keep.stored_file_id}
    assert not old_path.exists() and not orphan_path.exists()
    assert storage.path_for(keep.stored_file.storage_name).exists()


def test_the_purge_command_reports_what_it_removed(capsys):
    owner = CitizenFactory()
    row = pending_upload_create(owner=UploadOwner(user=owner, session_hash=""), upload=upload("old.pdf", PDF_BYTES))
    PendingUpload.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    call_command("pending_uploads_purge")

    assert "已删除 1 个" in capsys.readouterr().out
    assert not PendingUpload.objects.exists() and not StoredFile.objects.exists()
