"""Service guides and finding services on the public pages (issue 16)."""

import re

import pytest
from django.urls import reverse

from zhengwu.catalog.models import Item, OnlineDepth
from zhengwu.org.models import Unit

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _item_list_names(html: str) -> list[str]:
    return re.findall(r'<span class="name"><a href="[^"]+">([^<]+)</a>', html)


def test_item_without_online_handling_shows_in_person_instructions_not_apply(client, full_item, citizen_user):
    Item.objects.filter(pk=full_item.pk).update(online_application=False, consultation_phone="0000-1110001")
    apply_url = reverse("cases:apply", args=[full_item.code])

    html = _text(client.get(reverse("portal:item", args=[full_item.code])))
    client.force_login(citizen_user)
    forced = client.get(apply_url)

    assert "在线申请" not in html and apply_url not in html
    assert "现场办理" in html and "县政务服务中心一楼公安窗口" in html and "工作日 9:00-17:00" in html
    assert "0000-1110001" in html
    assert forced.status_code == 403 and "暂未开通网上申请" in _text(forced)


def test_item_enabled_without_materials_says_the_list_is_missing(client, full_item):
    full_item.materials.all().delete()

    html = _text(client.get(reverse("portal:item", args=[full_item.code])))

    assert "在线申请" not in html and "申请材料清单暂未公布" in html


def test_item_with_online_handling_shows_the_apply_button(client, full_item):
    html = _text(client.get(reverse("portal:item", args=[full_item.code])))

    assert f'href="{reverse("cases:apply", args=[full_item.code])}"' in html and ">在线申请<" in html
    assert "现场办理" not in html


def test_guide_shows_online_depth_visits_and_both_time_limits(client, full_item):
    Item.objects.filter(pk=full_item.pk).update(online_depth=OnlineDepth.APPLY)

    html = _text(client.get(reverse("portal:item", args=[full_item.code])))

    for text in ("网办深度", "在线申请", "到现场次数", "1 次(最多跑一次)", "法定时限", "60 个工作日",
                 "承诺时限", "15 个工作日", "设定依据", "《中华人民共和国居民身份证法》第八条", "监督投诉电话"):
        assert text in html, text


def test_browsing_a_life_event_finds_its_items(client, county):
    html = _text(client.get(reverse("portal:catalog"), {"audience": "person", "event": "housing"}))

    names = _item_list_names(html)
    assert "农村村民宅基地审批" in names and "国有土地范围内房屋所有权登记" in names
    assert "企业登记" not in names
    assert "个人办事 · 住房" in html


def test_unknown_life_event_is_a_chinese_error(client, county):
    response = client.get(reverse("portal:catalog"), {"event": "moon-landing"})

    assert response.status_code == 400 and "未知的人生事件" in _text(response)


@pytest.fixture
def township(county):
    town = Unit.objects.create(code="T01", name="城关镇", kind=Unit.Kind.TOWNSHIP, parent=county["root"])
    Unit.objects.create(code="T01-DB", name="城关镇便民服务中心(代办点)", kind=Unit.Kind.SERVICE_POINT,
                        parent=town, address="城关镇解放路2号", phone="0000-1234701")
    return town


def test_browsing_by_township_lists_township_items_and_its_service_centre(client, township):
    listing = _text(client.get(reverse("portal:townships")))
    html = _text(client.get(reverse("portal:catalog"), {"township": "T01"}))

    assert "城关镇" in listing and "0000-1234701" in listing
    names = _item_list_names(html)
    assert "农村村民宅基地审批" in names and "城乡居民最低生活保障待遇核定" in names
    assert "企业登记" not in names
    assert "城关镇解放路2号" in html


def test_unknown_township_is_a_chinese_error(client, township):
    response = client.get(reverse("portal:catalog"), {"township": "X99"})

    assert response.status_code == 400 and "未知的乡镇(街道)" in _text(response)


def test_quick_filters_fully_online_and_one_visit(client, full_item):
    Item.objects.filter(pk=full_item.pk).update(online_depth=OnlineDepth.FULL)
    two_visits = Item.objects.exclude(pk=full_item.pk).filter(category="power").first()
    Item.objects.filter(pk=two_visits.pk).update(visits_required=2)

    online = _item_list_names(_text(client.get(reverse("portal:catalog"), {"online": "full"})))
    one_visit = _item_list_names(_text(client.get(reverse("portal:catalog"), {"visits": "1"})))

    assert online == [full_item.name]
    assert one_visit == [full_item.name]


def test_status_query_is_one_click_from_home_and_services(client, county):
    status_link = f'href="{reverse("cases:status")}"'

    home = _text(client.get(reverse("portal:home")))
    services = _text(client.get(reverse("portal:services")))

    assert status_link in home and status_link in services
    assert "个人办事" in services and "法人办事" in services and "开办企业" in services
