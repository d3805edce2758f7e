from urllib.parse import quote

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.core.models import AuditEvent
from zhengwu.core.uploads import file_can_download, file_delete, files_store, register_download_rule, unregister_download_rule

from .upload_samples import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def owner():
    return CitizenFactory()


@pytest.fixture
def stored(owner):
    [f] = files_store(actor=owner, uploads=[upload("营业执照 副本.pdf", PDF_BYTES)], purpose="case_material", owner=owner)
    return f


@pytest.fixture
def purpose_rule():
    registered = []

    def register(purpose, rule):
        register_download_rule(purpose, rule)
        registered.append(purpose)

    yield register
    for purpose in registered:
        unregister_download_rule(purpose)


def download_audits(stored):
    return AuditEvent.objects.filter(action="files.download", object_id=str(stored.pk))


def test_owner_downloads_file_as_attachment_and_it_is_audited_once(client, owner, stored):
    client.force_login(owner)

    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('营业执照 副本.pdf', safe='')}" in disposition
    [audit] = download_audits(stored)
    assert audit.result == AuditEvent.Result.SUCCESS and audit.actor == owner


def test_other_user_gets_404_and_the_attempt_is_audited_as_denied(client, stored):
    intruder = CitizenFactory()
    client.force_login(intruder)

    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 404
    assert "文件不存在或您无权下载" in response.content.decode()
    [audit] = download_audits(stored)
    assert audit.result == AuditEvent.Result.DENIED and audit.actor == intruder


def test_denied_and_unknown_files_look_the_same_as_json(client, stored):
    import uuid

    client.force_login(CitizenFactory())

    denied = client.get(reverse("core:file_download", args=[stored.pk]), HTTP_ACCEPT="application/json")
    unknown = client.get(reverse("core:file_download", args=[uuid.uuid4()]), HTTP_ACCEPT="application/json")

    assert denied.status_code == unknown.status_code == 404
    assert denied.json() == unknown.json() == {"code": "file_not_found", "message": "文件不存在或您无权下载", "details": {}}


def test_anonymous_visitor_is_redirected_to_login_and_nothing_is_served(client, stored):
    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not download_audits(stored).exists()


def test_superuser_does_not_bypass_the_owner_rule(client, stored):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 404


def test_registered_rule_decides_for_its_purpose(owner, purpose_rule):
    reviewer, stranger = StaffFactory(), StaffFactory()
    purpose_rule("test_review", lambda user, f: user.pk == reviewer.pk)
    [f] = files_store(actor=owner, uploads=[upload("a.pdf", PDF_BYTES)], purpose="test_review", owner=owner)

    assert file_can_download(user=reviewer, stored_file=f) is True
    assert file_can_download(user=stranger, stored_file=f) is False
    assert file_can_download(user=owner, stored_file=f) is False


def test_failing_rule_denies(owner, purpose_rule):
    def broken(user, f):
        raise KeyError("bug")

    purpose_rule("test_broken", broken)
    [f] = files_store(actor=owner, uploads=[upload("a.pdf", PDF_BYTES)], purpose="test_broken", owner=owner)

    assert file_can_download(user=owner, stored_file=f) is False


def test_file_without_owner_and_unregistered_purpose_is_denied_to_everyone(owner):
    [f] = files_store(actor=owner, uploads=[upload("a.pdf", PDF_BYTES)], purpose="test_unregistered")

    assert file_can_download(user=owner, stored_file=f) is False


def test_deleted_file_is_no_longer_downloadable_but_kept_on_disk(client, owner, stored):
    from zhengwu.core.uploads.storage import path_for

    file_delete(actor=owner, stored_file=stored)
    client.force_login(owner)

    response = client.get(reverse("core:file_download", args=[stored.pk]))

    assert response.status_code == 404
    assert path_for(stored.storage_name).exists()
    assert AuditEvent.objects.filter(action="files.delete", object_id=str(stored.pk)).count() == 1


def test_detailed_purpose_falls_under_its_family_rule():
    from zhengwu.core.uploads.rules import register_download_rule, rule_for, unregister_download_rule

    def family_rule(user, stored_file):
        return True

    register_download_rule("test_family", family_rule)
    try:
        assert rule_for("test_family:3") is family_rule
        assert rule_for("test_family") is family_rule
        assert rule_for("other_family:3") is not family_rule
    finally:
        unregister_download_rule("test_family")
