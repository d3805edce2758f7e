"""The demo loader builds requests at every stage through the services, once."""

import pytest
from django.utils import timezone

from zhengwu.catalog.services import catalog_load
from zhengwu.core.workdays import calendar_seed_from_package, package_years
from zhengwu.demo.services import demo_county_load
from zhengwu.disclosure_requests.demo import demo_load
from zhengwu.disclosure_requests.models import AnnualReport, DisclosureRequest

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_covers_the_stages():
    year = timezone.localdate().year
    if year in package_years():
        calendar_seed_from_package(actor=None, years=[year])
    catalog_load(actor=None)
    demo_county_load()

    first = demo_load()
    second = demo_load()

    assert "新建演示申请 6 件" in first and "新建演示申请 0 件" in second
    statuses = sorted(DisclosureRequest.objects.values_list("status", flat=True))
    assert statuses == sorted(["received", "consultation", "correction", "registered", "replied", "replied"])
    assert DisclosureRequest.objects.filter(extension="requested").count() == 1
    assert AnnualReport.objects.get(year=year).status == "draft"
