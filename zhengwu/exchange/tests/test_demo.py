import pytest

from zhengwu.core.registries.demo import demo_data as demo_data_read
from zhengwu.exchange import datastore as ds
from zhengwu.exchange import demo, selectors
from zhengwu.exchange.models import Resource
from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(databases=ds.TEST_DATABASES)


@pytest.fixture
def demo_county(db):
    rows = [u for u in demo_data_read()["units"] if u["kind"] in ("county", "department")]
    county = UnitFactory(code="SLX", name="示例县", kind=Unit.Kind.COUNTY)
    for u in rows[1:]:
        UnitFactory(code=u["code"], name=u["name"], kind=Unit.Kind.DEPARTMENT, parent=county)
    return county


def test_demo_catalog_has_the_articles_shape(demo_county):
    summary = demo.exchange_demo_load()
    assert "55 个部门" in summary
    figures = selectors.county_figures()
    assert figures["departments"] == 55 and figures["tables"] == 1210
    assert 16000 <= figures["fields"] <= 17500
    assert figures["records"] >= 2000
    assert Resource.objects.filter(is_open=True, record_count__gt=0).exists()
    edu = Unit.objects.get(code="SLX-02")
    assert [r.slug for r in selectors.owed_resources(edu)] == [demo.EDUCATION_OWED]
    assert selectors.config_get().data_office.code == demo.DATA_OFFICE_CODE
    assert demo.exchange_demo_load() == "数据共享交换:示例资源目录已存在"
