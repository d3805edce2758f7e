import pytest

from zhengwu.catalog.services import catalog_load
from zhengwu.demo.services import demo_county_load
from zhengwu.demo.tests.test_load_demo_county import _small_catalog
from zhengwu.letters.demo import LETTERS, letters_demo_load
from zhengwu.letters.models import Letter, Publication
from zhengwu.org.models import Assignment
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_letters_cover_every_state_and_a_second_run_adds_nothing(calendar_2026, settings, tmp_path):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    catalog_load(actor=None, data=_small_catalog())
    demo_county_load()

    first = letters_demo_load()
    count = Letter.objects.count()
    second = letters_demo_load()

    assert "县信访局" in first and count == len(LETTERS)
    assert "未重复创建" in second and Letter.objects.count() == count
    assert Assignment.objects.filter(user__username="xfj_fenban", role=Role.LETTER_CLERK, unit__code="SLX-34").exists()
    states = set(Letter.objects.values_list("status", flat=True))
    assert states == {s.value for s in Letter.Status}
    assert Publication.objects.filter(status=Publication.Status.PUBLISHED).count() >= 2
    assert Letter.objects.filter(writer__isnull=True).exists()
    assert Letter.objects.filter(rehandle_count=0, satisfaction="unsatisfied").exists()
