"""The applicant's rating page and the staff rectification pages."""

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.factories import CitizenFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.ratings.models import Level, Rating, Rectification, RectificationStage
from zhengwu.ratings.services import rating_submit

from .journey import concluded_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(item, citizen, staff, on_2026_09_24):
    return concluded_case(item, citizen, staff)


def _url(case):
    return reverse("ratings:rate", kwargs={"receipt_no": case.receipt_no})


def test_applicant_sees_the_five_levels_and_rates_from_the_page(client, case, citizen):
    client.force_login(citizen)

    page = client.get(_url(case)).content.decode()
    assert all(label in page for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"))
    response = client.post(_url(case), {"level": "4", "comment": "不错"})

    assert response.status_code == 302
    assert Rating.objects.get(case=case).level == Level.SATISFIED
    assert "感谢您的评价" in client.get(_url(case)).content.decode()


def test_a_bad_rating_without_reason_shows_the_chinese_error_and_saves_nothing(client, case, citizen):
    client.force_login(citizen)

    response = client.post(_url(case), {"level": "1", "comment": ""})

    assert response.status_code == 400 and "请写明不满意的原因" in response.content.decode()
    assert not Rating.objects.exists()


def test_another_applicants_case_is_a_404(client, case):
    client.force_login(CitizenFactory())

    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), {"level": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_staff_list_and_stage_form_record_the_next_stage(client, case, citizen, staff):
    rating_submit(actor=citizen, case=case, level=Level.DISSATISFIED, comment="等太久")
    rect = Rectification.objects.get()
    login_verified(client, staff["handler"])

    page = client.get(reverse("ratings:rectifications")).content.decode()
    assert case.receipt_no in page and "记录回访" in page
    response = client.post(
        reverse("ratings:rectification_stage", kwargs={"rectification_id": rect.pk}),
        {"stage": "callback", "note": "电话回访,申请人反映等候时间长"},
    )

    assert response.status_code == 302
    assert RectificationStage.objects.get().stage == "callback"
    assert "记录核实" in client.get(reverse("ratings:rectifications")).content.decode()


def test_staff_of_another_department_get_404_on_the_stage_form(client, case, citizen, staff):
    rating_submit(actor=citizen, case=case, level=Level.DISSATISFIED, comment="等太久")
    rect = Rectification.objects.get()
    login_verified(client, staff["clerk"])  # the service hall, not the item's department

    response = client.post(
        reverse("ratings:rectification_stage", kwargs={"rectification_id": rect.pk}), {"stage": "callback", "note": "x"},
    )

    assert response.status_code == 404 and not RectificationStage.objects.exists()
    assert case.receipt_no not in client.get(reverse("ratings:rectifications")).content.decode()
