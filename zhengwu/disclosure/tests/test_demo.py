import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.disclosure.demo import PUBLISHED, disclosure_demo_load
from zhengwu.disclosure.health.report import site_health_report
from zhengwu.disclosure.models import Column, Disclosure, Status, Validity
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units(db):
    county = org_services.unit_create(actor=None, code="SLX", name="示例县", kind=Unit.Kind.COUNTY)
    codes = sorted({row[0] for row in PUBLISHED})
    units = {c: org_services.unit_create(actor=None, code=c, name=f"部门{c}", kind=Unit.Kind.DEPARTMENT, parent=county) for c in codes}
    editor = StaffFactory(username="zfb_bianji")
    org_services.assignment_grant(actor=None, user=editor, unit=units["SLX-31"], role=Role.EDITOR)
    return units


def test_demo_loader_is_idempotent_and_fills_every_kind_of_record(demo_units):
    first = disclosure_demo_load()
    count = Disclosure.objects.count()
    second = disclosure_demo_load()

    assert first == f"政务公开:新增 {len(PUBLISHED) + 3} 条演示信息"  # + interpretation, draft, pending
    assert second == "政务公开:新增 0 条演示信息" and Disclosure.objects.count() == count
    published = Disclosure.objects.filter(status=Status.PUBLISHED)
    assert published.count() == len(PUBLISHED) + 1  # plus the interpretation
    interpretation = published.get(column=Column.INTERPRETATION)
    assert interpretation.interprets.column == Column.POLICY
    assert published.filter(validity=Validity.REPEALED).count() == 1
    assert Disclosure.objects.filter(status=Status.PENDING, created_by__username="zfb_bianji").count() == 1
    # The demo starts with a healthy site: no stale or empty column.
    assert [r.column.label for r in site_health_report().columns if r.state != "ok"] == []
