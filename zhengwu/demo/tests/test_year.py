"""The demo county's year of activity (issue 17, ADR 0015), built over a short span here.

The county is the demo county on the small catalog, with the letters and disclosure-request
demo staff; the build covers the 40 days before a fixed "now", so every date below is
known without reading the clock.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.catalog.services import catalog_load
from zhengwu.core.models import AuditEvent, Clock
from zhengwu.core.workdays import calendar_seed_from_package
from zhengwu.demo.services import demo_county_load
from zhengwu.demo.year import MARKER, demo_year_build
from zhengwu.disclosure.models import Disclosure
from zhengwu.disclosure_requests.demo import demo_load as requests_demo_load
from zhengwu.insights.keywords import place_words_forget
from zhengwu.insights.models import LetterKeyword
from zhengwu.letters.demo import letters_demo_load
from zhengwu.letters.models import Letter
from zhengwu.ratings.models import Rating
from zhengwu.webstats.models import PageViewDaily

from .test_load_demo_county import _small_catalog

pytestmark = pytest.mark.django_db(databases="__all__")

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST = date(2026, 10, 11)


@pytest.fixture
def year(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    calendar_seed_from_package(actor=None, years=[2026])
    catalog_load(actor=None, data=_small_catalog())
    demo_county_load()
    letters_demo_load()
    requests_demo_load()
    place_words_forget()
    # The letters hook (keywords for insights) runs after each commit, as it does in production.
    with django_capture_on_commit_callbacks(execute=True):
        return demo_year_build(days=40, now=NOW, cases_per_workday=2.0, letters_per_day=1.5)


def test_the_year_is_built_through_the_services_at_simulated_times(year):
    built = Case.objects.filter(submitted_at__lt=datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert year.built and year.counts["cases"] == built.count() > 20
    days = {c.submitted_at.astimezone(NOW.tzinfo).date() for c in built}
    assert min(days) >= FIRST and max(days) < NOW.date() and len(days) > 10
    # Every case event carries its simulated time, and clocks started on the simulated days.
    assert not CaseEvent.objects.filter(created_at__gte=NOW).exists()
    assert Clock.objects.filter(started_on__lt=date(2026, 10, 20)).exists()
    # Some concluded, some still open (the last days' cases), corrections and ratings among them.
    assert Case.objects.filter(status=Case.Status.CONCLUDED).exists()
    assert Case.objects.filter(status__in=[Case.Status.RUNNING, Case.Status.CORRECTION]).exists()
    assert CaseEvent.objects.filter(action="conclude").count() == Case.objects.filter(status="concluded").count()
    assert Rating.objects.count() == year.counts["ratings"]
    # The audit trail holds the services' rows, at the simulated times.
    assert AuditEvent.objects.filter(action="cases.case.submit").count() >= year.counts["cases"]


def test_letters_disclosures_requests_and_visits_span_the_period(year):
    letters = Letter.objects.filter(received_at__gte=datetime(2026, 10, 11, tzinfo=NOW.tzinfo),
                                    received_at__lt=NOW)
    assert letters.count() == year.counts["letters"] > 30
    assert len({letter.received_at.astimezone(NOW.tzinfo).date() for letter in letters}) > 15
    assert Disclosure.objects.filter(first_published_at__lt=NOW).count() >= year.counts["disclosures"]
    assert PageViewDaily.objects.filter(day__gte=FIRST, day__lt=NOW.date()).values("day").distinct().count() == 40


def test_hot_topics_of_the_year_have_no_filler_words_or_place_names(year):
    words = set(LetterKeyword.objects.values_list("word", flat=True))
    assert words
    for noise in ("一家", "只有", "很大", "城关镇", "城关", "东城街道", "河口乡", "石桥镇", "柳树村", "街道"):
        assert noise not in words, noise


def test_the_year_is_built_once(year):
    cases = Case.objects.count()
    again = demo_year_build(days=40, now=NOW)
    assert not again.built and Case.objects.count() == cases
    assert AuditEvent.objects.filter(action=MARKER).count() == 1
