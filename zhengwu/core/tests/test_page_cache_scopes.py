"""The page cache learns what is public from the apps' declarations, scope by scope."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from zhengwu.core import page_cache
from zhengwu.core.audit import audit_record
from zhengwu.core.models import ContentVersion
from zhengwu.core.registries import public_content

pytestmark = pytest.mark.django_db


def _record(action):
    with transaction.atomic():
        audit_record(actor=None, action=action)
    page_cache.forget_versions()


def _version(scope):
    return ContentVersion.objects.filter(scope=scope).values_list("version", flat=True).first() or 0


@pytest.fixture
def declared():
    """Declarations made by a test, removed afterwards (the apps' own stay)."""
    exact, prefixes = dict(public_content._exact), dict(public_content._prefixes)
    yield public_content.register_public_actions
    public_content._exact.clear()
    public_content._exact.update(exact)
    public_content._prefixes.clear()
    public_content._prefixes.update(prefixes)


@pytest.mark.parametrize("action", [
    "participation.response.create", "participation.questionnaire.export", "participation.solicitation.create",
    "disclosure.disclosure.create", "letters.publication.prepare", "accounts.login",
])
def test_answers_exports_and_drafts_keep_every_site_page(action):
    before = _version("public")

    _record(action)

    assert _version("public") == before


@pytest.mark.parametrize("action", [
    "catalog.item.update", "org.unit.update", "core.site_identity.update", "cases.process.publish",
    "disclosure.disclosure.publish", "disclosure_request.report.publish", "letters.publication.publish",
    "participation.solicitation.publish", "search.sitegroup.entries.store",
])
def test_actions_the_apps_declare_public_bump_the_site_version(action):
    before = _version("public")

    _record(action)

    assert _version("public") == before + 1


def test_a_survey_answer_bumps_only_the_participation_scope():
    before_site, before_participation = _version("public"), _version("participation")

    _record("participation.response.create")

    assert (_version("public"), _version("participation")) == (before_site, before_participation + 1)


def test_an_undeclared_prefix_is_not_public_until_its_app_declares_it(declared):
    before = _version("public")
    _record("exchange.dataset.publish")
    assert _version("public") == before

    declared("exchange.dataset.publish")
    _record("exchange.dataset.publish")

    assert _version("public") == before + 1


def test_the_longest_declared_prefix_decides_the_scope(declared):
    declared("demo.")
    declared("demo.counter.", scope="counters")

    assert public_content.public_scope_of("demo.counter.hit") == "counters"
    assert public_content.public_scope_of("demo.page.update") == "public"
    assert public_content.public_scope_of("demonstration.x") is None


def _counting_view():
    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse(f"render {len(calls)}")

    return view, calls


def test_a_scoped_page_is_rendered_again_after_its_scope_changes_and_others_are_not(settings):
    settings.ZHENGWU_PAGE_CACHE_RECHECK_SECONDS = 0
    from django.contrib.auth.models import AnonymousUser

    site_view, site_calls = _counting_view()
    scoped_view, scoped_calls = _counting_view()
    site_page = page_cache.cached_public_page(site_view)
    scoped_page = page_cache.cached_public_page(scopes=("participation",))(scoped_view)

    def get(view, path):
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        return view(request)

    get(site_page, "/scope-test/site/"), get(scoped_page, "/scope-test/scoped/")
    _record("participation.response.create")
    get(site_page, "/scope-test/site/"), get(scoped_page, "/scope-test/scoped/")

    assert (len(site_calls), len(scoped_calls)) == (1, 2)

    _record("catalog.item.update")
    get(site_page, "/scope-test/site/"), get(scoped_page, "/scope-test/scoped/")

    assert (len(site_calls), len(scoped_calls)) == (2, 3)
