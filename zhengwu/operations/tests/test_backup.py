"""Restore drill: journeys, backup, more journeys, restore, and the platform is exactly at
the backup point (rows, files, audit chain); a damaged backup changes nothing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from zhengwu.accounts.models import User
from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.core.audit import audit_chain_verify, audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, StoredFile
from zhengwu.core.tests.upload_samples import PDF_BYTES, png_bytes, upload
from zhengwu.core.uploads.services import files_store
from zhengwu.core.uploads.storage import path_for
from zhengwu.operations.backup import backup_check, backup_create, backup_list, backup_prune, backup_restore
from zhengwu.operations.tasks import backup_nightly_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    settings.ZHENGWU_BACKUP_DIR = tmp_path / "backups"
    return tmp_path


def _journey(label):
    citizen = CitizenFactory()
    stored = files_store(actor=citizen, uploads=[upload(f"{label}.pdf", PDF_BYTES)], purpose="test", owner=citizen)
    with transaction.atomic():
        audit_record(actor=citizen, action="test.journey", object_type="test", object_id=label, details={})
    return citizen, stored[0]


def _counts():
    return {
        "users": User.objects.count(), "files": StoredFile.objects.count(), "audit": AuditEvent.objects.count(),
    }


def test_restore_drill_returns_exactly_to_the_backup_point(folders):
    first, first_file = _journey("before")
    at_backup = _counts()

    result = backup_create(actor=None)

    assert result.problems == []
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["accounts_user"] == at_backup["users"]
    assert [f["sha256"] for f in manifest["files"]] == [first_file.sha256]
    # More work after the backup: a new person, a new file, a changed name.
    second, second_file = _journey("after")
    User.objects.filter(pk=first.pk).update(first_name="改过")
    assert _counts() != at_backup

    report = backup_restore(actor=None, path=result.path, rebuild_search=False)

    # Exactly the backup's rows, plus the one audit row that records the restore itself.
    assert _counts() == {**at_backup, "audit": at_backup["audit"] + 1}
    assert AuditEvent.objects.latest("pk").action == "operations.backup.restore"
    assert not User.objects.filter(pk=second.pk).exists()
    assert User.objects.get(pk=first.pk).first_name == first.first_name
    assert path_for(first_file.storage_name).read_bytes() == PDF_BYTES
    # The later upload is not in the restored database: moved aside, not deleted.
    assert not path_for(second_file.storage_name).exists()
    assert report.orphans_moved == 1 and (report.orphan_dir / path_for(second_file.storage_name).relative_to(
        folders / "uploads")).exists()
    assert audit_chain_verify().ok
    assert AuditEvent.objects.filter(action="operations.backup.restore").count() == 1
    assert not AuditEvent.objects.filter(action="test.journey", object_id="after").exists()


def test_a_damaged_backup_is_refused_and_nothing_changes(folders):
    _journey("before")
    result = backup_create(actor=None)
    _, later_file = _journey("after")
    now = _counts()
    stored = next((result.path / "uploads").rglob("*.pdf"))
    stored.write_bytes(PDF_BYTES + b"%tampered")

    with pytest.raises(ValidationFailed, match="备份校验失败,未做任何恢复:上传文件已被改动"):
        backup_restore(actor=None, path=result.path)

    assert _counts() == now
    assert path_for(later_file.storage_name).exists()


def test_a_database_snapshot_of_another_engine_or_missing_manifest_is_refused(folders, tmp_path):
    with pytest.raises(ValidationFailed, match="不是备份目录"):
        backup_check(tmp_path)
    result = backup_create(actor=None)
    manifest_path = result.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["database"]["vendor"] = "oracle"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="这是 oracle 数据库的备份"):
        backup_check(result.path)


def test_commands_back_up_check_and_restore(folders):
    _journey("before")
    out = StringIO()
    call_command("backup", stdout=out)
    assert "备份完成" in out.getvalue()
    (path,) = backup_list()
    out = StringIO()
    call_command("restore", str(path), "--check", stdout=out)
    assert "备份完整" in out.getvalue()
    _journey("after")
    out = StringIO()
    call_command("restore", str(path), "--yes", "--no-search", stdout=out)
    assert "恢复完成并已校验" in out.getvalue() and "已移到" in out.getvalue()
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(folders), "--yes")


def test_retention_keeps_the_newest_backups(folders):
    made = [backup_create(actor=None).path for _ in range(3)]
    removed = backup_prune(actor=None, keep=2)
    assert removed == [made[0]]
    assert backup_list() == made[1:]
    with pytest.raises(ValidationFailed):
        backup_prune(actor=None, keep=0)


def test_nightly_task_backs_up_and_prunes(folders, settings):
    from datetime import datetime

    settings.ZHENGWU_BACKUP_KEEP = 1
    assert backup_nightly_task.task_class().validate_datetime(datetime(2026, 12, 6, 1, 23))
    backup_create(actor=None)
    outcome = backup_nightly_task.call_local()
    assert outcome["problems"] == [] and len(outcome["removed"]) == 1
    assert [p.name for p in backup_list()] == [Path(outcome["path"]).name]
    settings.ZHENGWU_BACKUP_NIGHTLY = False
    cache.clear()  # forget tonight's once-per-period claim: the setting alone must stop it
    assert backup_nightly_task.call_local() is None


def test_a_missing_upload_is_reported_not_hidden(folders):
    _, stored = _journey("lost")
    path_for(stored.storage_name).unlink()
    result = backup_create(actor=None)
    assert result.problems == [f"上传文件缺失:{stored.storage_name}"]
    assert AuditEvent.objects.filter(action="operations.backup.create").latest("pk").details["problems"] == result.problems


def test_an_image_upload_round_trips(folders):
    citizen = CitizenFactory()
    (image,) = files_store(actor=citizen, uploads=[upload("photo.png", png_bytes())], purpose="test", owner=citizen)
    data = path_for(image.storage_name).read_bytes()
    result = backup_create(actor=None)
    path_for(image.storage_name).unlink()
    backup_restore(actor=None, path=result.path, rebuild_search=False)
    assert path_for(image.storage_name).read_bytes() == data
