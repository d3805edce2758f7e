import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from zhengwu.org.models import Unit
from zhengwu.org.tests.factories import UnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
_codes = itertools.count(1)


def make_letter(*, title, body="", day, category="other", department=None, township=None, hour=10, store=True):
    """A letter received on ``day`` (Asia/Shanghai) with its keywords stored, as the submitted hook would."""
    from zhengwu.insights.services import letter_keywords_store
    from zhengwu.letters.models import Letter

    letter = Letter.objects.create(
        query_code=f"INS{next(_codes):07d}", channel="complaint", category=category, title=title, body=body or title,
        received_at=dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), department=department,
        township=township, fingerprint="-",
    )
    if store:
        letter_keywords_store(actor=None, letter=letter)
    return letter


@pytest.fixture
def places(db):
    county = UnitFactory(code="IN", name="测试县", kind=Unit.Kind.COUNTY)
    return {
        "county": county,
        "env": UnitFactory(code="IN-HB", name="县环境保护局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "edu": UnitFactory(code="IN-JY", name="县教育局", kind=Unit.Kind.DEPARTMENT, parent=county),
        "town": UnitFactory(code="IN-T1", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county),
        "street": UnitFactory(code="IN-T2", name="东城街道", kind=Unit.Kind.STREET, parent=county),
    }
