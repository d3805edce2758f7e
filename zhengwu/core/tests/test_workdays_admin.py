"""Admin screens: importing a year, editing one day, and the read-only audit trail."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.core.models import AuditEvent, CalendarDay, CalendarYear, SiteIdentity
from zhengwu.core.workdays import add_working_days, calendar_missing_years
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/core/calendaryear/import/"
TEXT_2027 = "2027-01-01..2027-01-03 假日 元旦\n2027-02-13 调休 春节调休上班\n"


def test_import_view_renders_the_form_and_format_help(admin_client):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "导入年度节假日安排" in content
    assert "2027-01-01 假日 元旦" in content


def test_import_from_the_textarea_loads_the_year_as_form_source(admin_client, admin_user, calendar_2025_2026):
    response = admin_client.post(IMPORT_URL, {"year": 2027, "notice": "国办发明电〔2026〕1号", "text": TEXT_2027})
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.notice) == ("form", "国办发明电〔2026〕1号")
    assert add_working_days(date(2027, 2, 12), 1) == (date(2027, 2, 13), True)
    event = AuditEvent.objects.get(action="core.calendar.import_year")
    assert event.actor_id == admin_user.pk


def test_import_from_an_uploaded_file_loads_the_year_as_file_source(admin_client, calendar_2025_2026):
    upload = SimpleUploadedFile("2027.txt", TEXT_2027.encode("utf-8"), content_type="text/plain")
    response = admin_client.post(IMPORT_URL, {"year": 2027, "notice": "", "file": upload})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "file"


def test_import_errors_are_shown_with_line_numbers_and_nothing_is_saved(admin_client, calendar_2025_2026):
    text = "2027-01-01 假日 元旦\n2027-02-12 调休 春节调休上班\n2027-02-31 假日 春节\n"
    response = admin_client.post(IMPORT_URL, {"year": 2027, "text": text})
    assert response.status_code == 200
    content = response.content.decode()
    assert "第2行:2027-02-12 是周五,调休上班日必须是周六或周日" in content
    assert "第3行:“2027-02-31”不是有效日期" in content
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_of_a_non_adjacent_year_shows_which_year_to_load_first(admin_client, calendar_2025_2026):
    response = admin_client.post(IMPORT_URL, {"year": 2029, "text": "2029-01-01 假日 元旦"})
    assert response.status_code == 200
    assert "请先载入 2027 年" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2029).exists()


def test_import_needs_a_file_or_text(admin_client, calendar_2025_2026):
    response = admin_client.post(IMPORT_URL, {"year": 2027})
    assert response.status_code == 200
    assert "请上传安排文件或直接填写安排内容" in response.content.decode()


def test_import_view_is_refused_without_permission(client, django_user_model):
    staff = django_user_model.objects.create_user(username="clerk", password="pw-123456789", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403


def test_editing_a_day_in_admin_goes_through_the_service(admin_client, admin_user, calendar_2025_2026):
    assert add_working_days(date(2026, 9, 30), 3).due == date(2026, 10, 10)
    url = reverse("admin:core_calendarday_change", args=["2026-10-09"])

    response = admin_client.post(url, {"note": "临时休息"})  # is_workday unchecked

    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 10, 9))
    assert (day.kind, day.is_workday) == ("holiday", False)
    assert add_working_days(date(2026, 9, 30), 3).due == date(2026, 10, 12)
    assert AuditEvent.objects.get(action="core.calendar.day_set").actor_id == admin_user.pk


def test_calendar_days_cannot_be_added_or_deleted_in_admin(admin_client, calendar_2025_2026):
    assert admin_client.get(reverse("admin:core_calendarday_add")).status_code == 403
    delete_url = reverse("admin:core_calendarday_delete", args=["2026-10-09"])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert CalendarDay.objects.filter(date=date(2026, 10, 9)).exists()


def test_calendar_year_list_shows_the_missing_years_banner(admin_client, db):
    response = admin_client.get(reverse("admin:core_calendaryear_changelist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "工作日历不完整" in content
    for year in calendar_missing_years():
        assert f"{year} 年" in content


def test_audit_events_are_read_only_in_admin(client, calendar_2025_2026):
    # The audit trail is the audit administrator's alone (三员分立).
    admin_client = client
    login_verified(client, grant_post(StaffFactory(), Role.AUDIT_ADMIN))
    event = AuditEvent.objects.first()
    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert admin_client.get(change_url).status_code == 200  # view only
    admin_client.post(change_url, {"action": "tampered"})
    event.refresh_from_db()
    assert event.action == "core.calendar.seed"
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_site_identity_is_a_singleton_without_delete(admin_client):
    add_url = reverse("admin:core_siteidentity_add")
    response = admin_client.post(add_url, {
        "site_name": "示例县人民政府", "sponsor": "示例县人民政府办公室", "site_code": "1234000001",
        "icp_record": "", "police_record": "", "address": "", "phone": "",
    })
    assert response.status_code == 302
    assert SiteIdentity.objects.count() == 1
    assert AuditEvent.objects.filter(action="core.site_identity.create").exists()
    assert admin_client.get(add_url).status_code == 403
    delete_url = reverse("admin:core_siteidentity_delete", args=[1])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
