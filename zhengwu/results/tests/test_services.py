"""The sealed result of an approval: rendered, signed with the department's seal, stored, downloadable."""

import subprocess

import pytest

from zhengwu.accounts.tests.factories import CitizenFactory, StaffFactory
from zhengwu.catalog.models import Category
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent, SealCertificate
from zhengwu.core.seal.selectors import seal_trust_roots
from zhengwu.core.seal.services import (
    notice_verify,
    seal_ca_create,
    seal_certificate_issue,
)
from zhengwu.core.uploads import file_can_download, file_download_open
from zhengwu.notifications.models import Message
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import UnitFactory, grant_post
from zhengwu.ratings.tests.journey import concluded_case
from zhengwu.results.selectors import case_result_get
from zhengwu.results.services import case_conclusion_finish, case_result_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def seal(dept, on_2026_09_24):
    seal_ca_create(actor=None, county_name="示例县人民政府")
    return seal_certificate_issue(actor=None, unit_code=dept.code, unit_name=dept.name)


@pytest.fixture
def approved(item, citizen, staff, on_2026_09_24):
    item.category = Category.POWER
    item.save(update_fields=["category"])
    return concluded_case(item, citizen, staff)


def _bytes(stored, actor):
    _, handle = file_download_open(actor=actor, file_id=stored.pk)
    with handle:
        return handle.read()


def _text(path):
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60, check=True).stdout


def test_approved_case_gets_a_sealed_notice_that_verifies_with_pyhanko_and_pdfsig(approved, seal, citizen, staff, tmp_path):
    stored = case_result_issue(actor=staff["handler"], case=approved)

    assert (stored.purpose, stored.kind, stored.owner_id) == ("case_result", "pdf", citizen.pk)
    assert (stored.object_type, stored.object_id) == ("cases.case", str(approved.pk))
    pdf = _bytes(stored, citizen)
    result = notice_verify(pdf, trust_roots=seal_trust_roots())
    assert result.valid is True
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert "Signature Validation: Signature is Valid." in run.stdout
    assert f"Signer Certificate Common Name: {approved.item.department.name}" in run.stdout
    text = _text(path)
    assert "准予行政许可决定书" in text and approved.receipt_no in text
    assert AuditEvent.objects.filter(action="results.case_result.issue", object_id=str(approved.pk)).count() == 1
    assert AuditEvent.objects.filter(action="seal.sign").count() == 1


def test_a_convenience_item_gets_a_conclusion_notice_title(
    item, citizen, staff, seal, on_2026_09_24, tmp_path, django_capture_on_commit_callbacks,
):
    item.category = Category.CONVENIENCE
    item.save(update_fields=["category"])
    with django_capture_on_commit_callbacks(execute=True):
        case = concluded_case(item, citizen, staff)

    # Issued after the conclusion commits (the department holds a seal certificate).
    from zhengwu.results.selectors import case_result_get

    path = tmp_path / "n.pdf"
    path.write_bytes(_bytes(case_result_get(case=case), citizen))

    assert "办结通知书" in _text(path) and "准予行政许可决定书" not in _text(path)


def test_a_rejected_case_gets_no_notice(item, citizen, staff, seal, on_2026_09_24):
    case = concluded_case(item, citizen, staff, decision="reject")

    with pytest.raises(ValidationFailed, match="只有准予许可并已办结"):
        case_result_issue(actor=None, case=case)
    assert case_conclusion_finish(actor=None, case=case) is None
    assert case_result_get(case=case) is None


def test_without_a_seal_certificate_outside_demo_the_error_is_chinese_and_nothing_is_stored(approved, settings):
    settings.DEBUG, settings.ZHENGWU_DEMO = False, False

    with pytest.raises(ValidationFailed, match="尚无有效的电子印章证书"):
        case_result_issue(actor=None, case=approved)
    assert case_result_get(case=approved) is None


def test_in_demo_a_missing_certificate_is_issued_on_the_fly(approved, settings, citizen):
    settings.ZHENGWU_DEMO = True

    stored = case_result_issue(actor=None, case=approved)

    assert SealCertificate.objects.filter(unit_code=approved.item.department.code, is_active=True).exists()
    assert notice_verify(_bytes(stored, citizen), trust_roots=seal_trust_roots()).valid is True


def test_applicant_and_department_staff_may_download_others_may_not(approved, seal, citizen, staff):
    stored = case_result_issue(actor=None, case=approved)
    stranger_staff = grant_post(StaffFactory(), Role.HANDLER, unit=UnitFactory(code="QT"))
    admin_in_dept = grant_post(StaffFactory(), Role.SYSTEM_ADMIN, unit=approved.item.department)

    assert file_can_download(user=citizen, stored_file=stored)
    assert file_can_download(user=staff["approver"], stored_file=stored)
    for user in (CitizenFactory(), stranger_staff, admin_in_dept):
        assert not file_can_download(user=user, stored_file=stored)


def test_conclusion_finish_issues_once_and_tells_the_applicant_with_a_download_link(approved, seal, citizen):
    first = case_conclusion_finish(actor=None, case=approved)
    again = case_conclusion_finish(actor=None, case=approved)

    assert first is not None and again.pk == first.pk
    message = Message.objects.get(recipient=citizen, title__contains="办理结果已出具")
    assert message.link == f"/files/{first.pk}/"


def test_the_rating_page_links_the_sealed_result_for_the_applicant(client, approved, seal, citizen):
    stored = case_conclusion_finish(actor=None, case=approved)
    client.force_login(citizen)

    page = client.get(f"/ratings/cases/{approved.receipt_no}/").content.decode()
    response = client.get(f"/files/{stored.pk}/")

    assert f"/files/{stored.pk}/" in page
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_concluding_an_approval_issues_the_sealed_notice_automatically(
    item, citizen, staff, seal, on_2026_09_24, django_capture_on_commit_callbacks,
):
    from zhengwu.results.selectors import case_result_get

    with django_capture_on_commit_callbacks() as pending:
        case = concluded_case(item, citizen, staff)
        # Not inside the conclusion's transaction: signing would hold the write lock.
        assert case_result_get(case=case) is None
    for callback in pending:
        callback()

    stored = case_result_get(case=case)
    assert stored is not None and stored.kind == "pdf"


def test_a_notice_that_cannot_be_issued_leaves_the_conclusion_standing(
    item, citizen, staff, seal, on_2026_09_24, django_capture_on_commit_callbacks, monkeypatch, caplog,
):
    from zhengwu.cases import engine
    from zhengwu.results import services
    from zhengwu.results.selectors import case_result_get

    def broken(**kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(services, "case_result_issue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        case = concluded_case(item, citizen, staff)

    case.refresh_from_db()
    assert case.status == engine.CONCLUDED
    assert case_result_get(case=case) is None
    assert "could not be issued" in caplog.text
    # Issued again once the cause is gone.
    monkeypatch.undo()
    assert services.case_conclusion_finish(actor=None, case=case) is not None


def test_concluding_without_a_seal_certificate_still_concludes(item, citizen, staff, on_2026_09_24, caplog):
    from zhengwu.cases import engine
    from zhengwu.results.selectors import case_result_get

    case = concluded_case(item, citizen, staff)

    assert case.status == engine.CONCLUDED
    assert case_result_get(case=case) is None
    assert "no seal certificate" in caplog.text
