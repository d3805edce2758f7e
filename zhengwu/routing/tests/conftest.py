import pytest

from zhengwu.routing import profiles
from zhengwu.search import synonyms


@pytest.fixture(autouse=True)
def _fresh_routing_model():
    # The model is kept per process; a test's departments and decisions are rolled back
    # afterwards, so every test starts and ends with no model cached.
    profiles.model_reset()
    synonyms.forget()  # the dictionary is kept per process too
    yield
    profiles.model_reset()
    synonyms.forget()


@pytest.fixture
def demo_county(db):
    """The real demo county (示例县): catalog, departments with responsibilities, work areas, items."""
    from zhengwu.catalog.services import catalog_load
    from zhengwu.demo.services import demo_county_load

    from zhengwu.search.services import synonym_seed

    catalog_load(actor=None)
    demo_county_load()
    synonym_seed()  # the everyday-word dictionary (a flushing test may have emptied it)
    from zhengwu.org.models import Unit

    return {u.code: u for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)}


@pytest.fixture
def small_county(db):
    """Three departments with responsibilities, enough to see ranking and learning."""
    from zhengwu.org import services as org_services
    from zhengwu.org.models import Unit

    county = org_services.unit_create(actor=None, code="R", name="测试县", kind=Unit.Kind.COUNTY)

    def dept(code, name, duties):
        return org_services.unit_create(
            actor=None, code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=county, responsibilities=duties,
        )

    return {
        "env": dept("R-ENV", "县环境保护局", "负责全县环境污染防治和环境监督执法。"),
        "police": dept("R-POL", "县公安局", "负责全县社会治安、户籍和居民身份证管理。"),
        "culture": dept("R-CUL", "县文化局", "负责全县文化市场、文物保护和公共文化服务。"),
    }
