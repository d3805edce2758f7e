"""Queries without results: kept without personal data, shown to staff, one click to a synonym."""

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.org.roles import Role
from zhengwu.org.tests.factories import grant_post
from zhengwu.search.models import SearchMissDay, SearchSynonym
from zhengwu.search.selectors import search, search_misses
from zhengwu.search.services import search_miss_clean, search_miss_record

from .conftest import note

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(engine, notes):
    items = [note(1, "城乡居民最低生活保障待遇核定", "最低生活保障申请。"), note(2, "廉租住房申请的审核登记", "")]
    notes.put(*items)
    engine.upsert(items)


@pytest.mark.parametrize(("query", "kept"), [
    ("吃救济", "吃救济"),
    ("11010519491231002X 低保", "低保"),  # ID card number
    ("13912345678 补贴", "补贴"),  # phone number
    ("zhangsan@example.com", ""),
    ("王小明 补助", "补助"),  # a name
    ("张伟的低保", "的低保"),
    ("低保", "低保"),  # not a name although 低 is no surname and 保 ... a known word stays
    ("12345", ""),
])
def test_personal_data_never_reaches_the_log(query, kept):
    assert search_miss_clean(query) == kept


def test_a_query_without_results_is_counted_on_the_page_and_the_api(docs, client):
    client.get(reverse("search:page"), {"q": "吃救济"})
    client.get("/api/v1/search", {"q": "吃救济"})
    client.get("/api/v1/search", {"q": "低保"})  # has results (a synonym): not a miss
    client.get("/api/v1/search", {"q": "吃救济", "page": "2"})  # paging is not a new search
    assert search_misses() == [{"query": "吃救济", "count": 2, "last_day": SearchMissDay.objects.get().day}]
    assert [f.name for f in SearchMissDay._meta.get_fields()] == ["id", "day", "query", "count"]


def test_only_personal_data_is_not_recorded():
    assert not search_miss_record(query="13912345678")
    assert not SearchMissDay.objects.exists()


def _keeper_client():
    client = Client()
    login_verified(client, grant_post(StaffFactory(), Role.DATA_STEWARD))
    return client


def test_staff_add_a_missed_query_as_synonym_in_one_click(docs):
    search_miss_record(query="吃救济")
    client = _keeper_client()
    page = client.get(reverse("search:office")).content.decode()
    assert "吃救济" in page and "加为同义词" in page
    response = client.post(reverse("search:office"),
                           {"action": "add_variant", "variant": "吃救济", "canonical": "最低生活保障"})
    assert response.status_code == 302
    assert "吃救济" in SearchSynonym.objects.get(canonical="最低生活保障").variant_list
    assert [r["id"] for r in search("吃救济")["results"]] == ["1"]


def test_staff_create_edit_and_delete_entries(docs):
    client = _keeper_client()
    # 廉租住房 exists in the seed: refused (409), nothing added
    assert client.post(reverse("search:office"), {"canonical": "廉租住房", "variants": "廉租屋"}).status_code == 409
    client.post(reverse("search:office"), {"canonical": "住房保障", "variants": "保障房 廉租屋"})
    entry = SearchSynonym.objects.get(canonical="住房保障")
    edit = reverse("search:synonym", args=[entry.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"action": "update", "canonical": "住房保障", "variants": "保障房", "is_active": "on"})
    assert SearchSynonym.objects.get(pk=entry.pk).variants == "保障房"
    client.post(edit, {"action": "delete", "confirmed": "yes"})
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()
    assert client.get(edit).status_code == 404


def test_deleting_an_entry_is_not_done_without_confirmation(docs):
    client = _keeper_client()
    client.post(reverse("search:office"), {"canonical": "住房保障", "variants": "保障房"})
    entry = SearchSynonym.objects.get(canonical="住房保障")
    edit = reverse("search:synonym", args=[entry.pk])

    # A delete without the confirmation field (no JavaScript, or a forged post) only asks,
    response = client.post(edit, {"action": "delete"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请确认:删除该同义词" in page
    assert SearchSynonym.objects.filter(pk=entry.pk).exists()
    # and its form posts the same fields again with the confirmation;
    assert 'name="action" value="delete"' in page and 'name="confirmed" value="yes"' in page
    assert 'class="btn btn-danger"' in page

    # a confirmation with another value does not count either.
    client.post(edit, {"action": "delete", "confirmed": "1"})
    assert SearchSynonym.objects.filter(pk=entry.pk).exists()
    client.post(edit, {"action": "delete", "confirmed": "yes"})
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()


def test_a_conflicting_entry_shows_a_chinese_error_and_keeps_the_form(seeded):
    client = _keeper_client()
    response = client.post(reverse("search:office"), {"canonical": "最低生活保障", "variants": "吃低保"})
    html = response.content.decode()
    assert response.status_code == 409 and "词典中已有" in html and 'value="吃低保"' in html


def test_the_page_is_for_dictionary_keepers_only():
    client = Client()
    assert client.get(reverse("search:office")).status_code in (302, 403)
    login_verified(client, grant_post(StaffFactory(), Role.HANDLER))
    assert client.get(reverse("search:office")).status_code == 403
