import pytest

from zhengwu.disclosure import services
from zhengwu.disclosure.models import Column

from .conftest import at, published

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disclosure/items"


def test_list_filters_by_column_department_and_catalog_item(client, dept, other_dept, gk_item, editor):
    published(dept, title="办法", column=Column.POLICY, catalog_item=gk_item, when=at(2026, 3, 1))
    published(dept, title="新闻", column=Column.NEWS, when=at(2026, 3, 2))
    published(other_dept, title="财政新闻", column=Column.NEWS, when=at(2026, 3, 3))
    services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="草稿")

    everything = client.get(LIST).json()
    assert everything["count"] == 3 and [i["title"] for i in everything["items"]] == ["财政新闻", "新闻", "办法"]
    assert [i["title"] for i in client.get(LIST, {"column": "news"}).json()["items"]] == ["财政新闻", "新闻"]
    assert [i["title"] for i in client.get(LIST, {"department": "TC-31"}).json()["items"]] == ["新闻", "办法"]
    assert [i["title"] for i in client.get(LIST, {"item": "gk001"}).json()["items"]] == ["办法"]
    assert client.get(LIST, {"department": "NOPE"}).json() == {"count": 0, "page": 1, "page_size": 20, "items": []}
    page2 = client.get(LIST, {"page": 2, "page_size": 2}).json()
    assert page2["count"] == 3 and [i["title"] for i in page2["items"]] == ["办法"]
    first = everything["items"][0]
    assert first["index_number"] == "TC-06/2026-00001" and first["column_name"] == "新闻动态"


@pytest.mark.parametrize("params", [{"column": "bogus"}, {"page": "0"}, {"page_size": "1000"}, {"page": "x"}, {"department": "x" * 100}])
def test_bad_list_parameters_are_422_never_500(client, db, params):
    assert client.get(LIST, params).status_code == 422


def test_detail_returns_the_record_with_links_and_unpublished_is_404(client, dept, editor):
    policy = published(dept, title="办法", column=Column.POLICY, document_number="示政发〔2026〕1号")
    interp = published(dept, title="解读", column=Column.INTERPRETATION, interprets=policy)
    draft = services.disclosure_create(actor=editor, department=dept, column=Column.NEWS, title="草稿")

    body = client.get(f"{LIST}/{policy.pk}").json()
    assert body["document_number"] == "示政发〔2026〕1号" and body["validity_name"] == "有效"
    assert body["interpretations"] == [{"id": interp.pk, "title": "解读", "url": f"/disclosure/{interp.pk}/"}]
    assert client.get(f"{LIST}/{interp.pk}").json()["interprets"]["id"] == policy.pk

    missing = client.get(f"{LIST}/{draft.pk}")
    assert missing.status_code == 404 and "未找到" in missing.json()["message"]
    assert client.get(f"{LIST}/{'9' * 25}").status_code in (404, 422)
