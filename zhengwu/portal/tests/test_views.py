import re

import pytest
from django.urls import reverse

from zhengwu.accounts.tests.mfa_helpers import login_verified
from zhengwu.catalog.models import Category, Item, WorkArea
from zhengwu.core.models import SiteIdentity

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- home and sections


def test_home_shows_three_columns_with_catalog_counts(client, county):
    response = client.get(reverse("portal:home"))

    html = _text(response)
    assert response.status_code == 200
    headings = re.findall(r'<h2 id="col-\w+"><a [^>]*>([^<]+)</a></h2>', html)
    assert headings == ["政务公开", "网上办事", "公众参与"]
    # Disclosure groups with their item counts from the DB.
    assert "政府信息公开条例规定事项" in html
    assert re.search(r"财政专项资金管理和使用情况</a><span class=\"count\">45 项", html)
    # All 30 work areas, each linking to the filtered catalog.
    assert html.count("?category=power&amp;work_area=ql-") == WorkArea.objects.filter(category=Category.POWER).count() == 30
    assert re.search(r"公安工作</span><span class=\"count\">23<", html)
    # The phone directory comes from the county's data.
    assert "县公安局" in html and "0000-1110099" in html
    assert "县政务服务中心" in html and "0000-1234567" in html


def test_home_counts_follow_retirement(client, catalog):
    Item.objects.filter(code="QL011").update(status=Item.Status.RETIRED)

    html = _text(client.get(reverse("portal:home")))

    assert re.search(r"公安工作</span><span class=\"count\">22<", html)


def test_home_has_catalog_search_box(client, catalog):
    html = _text(client.get(reverse("portal:home")))

    assert f'action="{reverse("portal:catalog")}"' in html
    assert 'id="home-q"' in html and '<label for="home-q">' in html


def test_every_page_carries_footer_identity_and_skip_link(client, catalog):
    SiteIdentity.objects.create(pk=1, site_name="示例县人民政府", sponsor="示例县人民政府办公室",
                                site_code="1234567890", icp_record="京ICP备00000000号",
                                police_record="京公网安备00000000000000号")

    html = _text(client.get(reverse("portal:catalog")))

    assert '<html lang="zh-CN"' in html
    assert html.index('class="skip-link"') < html.index("<header")
    for text in ("示例县人民政府办公室", "1234567890", "京ICP备00000000号", "京公网安备00000000000000号"):
        assert text in html


def test_section_pages_render_without_dead_links(client, county):
    for name, expected in (("portal:disclosure", "政府信息公开条例规定事项"),
                           ("portal:services", "便民服务"), ("portal:participation", "县公安局")):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert expected in _text(response)


# ---------------------------------------------------------------- catalog list


def test_catalog_tabs_show_category_counts_from_db(client, catalog):
    html = _text(client.get(reverse("portal:catalog")))

    assert "政府信息公开事项 65" in html
    assert "行政职权事项 295" in html
    assert "便民服务事项 25" in html
    assert "共找到 <strong>385</strong> 项事项" in html


def test_catalog_pages_twenty_items_with_chinese_pager(client, catalog):
    response = client.get(reverse("portal:catalog"), {"category": "power", "page": "2"})

    html = _text(response)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 20
    assert [i.seq for i in response.context["page_obj"].object_list][0] == 21
    assert "上一页" in html and "下一页" in html and "第 2 / 15 页" in html


def test_catalog_filters_by_work_area(client, catalog):
    response = client.get(reverse("portal:catalog"), {"category": "power", "work_area": "ql-03"})

    items = list(response.context["page_obj"].object_list)
    assert response.context["page_obj"].paginator.count == 23
    assert {i.work_area.code for i in items} == {"ql-03"}


def test_catalog_filters_by_department(client, county):
    response = client.get(reverse("portal:catalog"), {"department": "D003"})

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 23
    assert "县公安局" in _text(response)


def test_catalog_search_by_keyword(client, catalog):
    response = client.get(reverse("portal:catalog"), {"q": "特种行业许可证"})

    names = [i.name for i in response.context["page_obj"].object_list]
    assert names and all("特种行业许可证" in n for n in names)
    assert "旅馆业特种行业许可证核发" in names


def test_catalog_hides_retired_items(client, catalog):
    Item.objects.filter(code="QL012").update(status=Item.Status.RETIRED)

    response = client.get(reverse("portal:catalog"), {"q": "旅馆业"})

    assert response.context["page_obj"].paginator.count == 0
    assert "没有符合条件的事项" in _text(response)


@pytest.mark.parametrize("params, message", [
    ({"category": "nonsense"}, "未知的事项类别"),
    ({"work_area": "ql-99"}, "未知的工作领域"),
    ({"department": "NOPE"}, "未知的实施部门"),
    ({"page": "abc"}, "页码无效"),
    ({"page": "999"}, "页码无效"),
    ({"q": "长" * 101}, "搜索关键词不能超过"),
])
def test_catalog_bad_filter_is_400_with_chinese_message(client, catalog, params, message):
    response = client.get(reverse("portal:catalog"), params)

    assert response.status_code == 400
    assert message in _text(response)
    assert 'role="alert"' in _text(response)


def test_catalog_work_area_of_other_category_is_refused(client, catalog):
    response = client.get(reverse("portal:catalog"), {"category": "disclosure", "work_area": "ql-03"})

    assert response.status_code == 400


def test_department_page_lists_work_areas_and_duties(client, county):
    html = _text(client.get(reverse("portal:departments")))

    assert "县公安局" in html
    assert "公安工作" in html
    assert "负责全县治安管理" in html


# ---------------------------------------------------------------- item page


def test_item_page_shows_implementation_list_and_materials(client, full_item):
    response = client.get(reverse("portal:item", args=[full_item.code]))

    html = _text(response)
    assert response.status_code == 200
    assert "实施清单" in html
    for text in ("000103001000", "11330000MB0000000X4000103001000", "1133000000000000000400010300100001",
                 "县级", "《中华人民共和国居民身份证法》第八条", "本县常住户口居民", "60 个工作日",
                 "15 个工作日", "承诺件", "免费", "县政务服务中心一楼公安窗口", "工作日 9:00-17:00", "1 次",
                 "0000-1110001", "0000-1110099"):
        assert text in html, text
    assert "居民户口簿" in html and "近期免冠照片" in html
    assert "非必需" in html and "白色背景" in html
    assert "已停用" not in html


def test_item_page_marks_empty_fields_as_unpublished(client, catalog):
    html = _text(client.get(reverse("portal:item", args=["BM001"])))

    assert "暂未公布" in html
    assert html.count("暂未公布") >= 15


def test_retired_item_is_reachable_with_banner(client, catalog):
    Item.objects.filter(code="QL012").update(status=Item.Status.RETIRED, retire_reason="职能调整")

    response = client.get(reverse("portal:item", args=["QL012"]))

    assert response.status_code == 200
    assert 'class="banner-retired"' in _text(response)
    assert "已停用" in _text(response) and "职能调整" in _text(response)


def test_unknown_item_is_chinese_404_page(client, catalog):
    response = client.get(reverse("portal:item", args=["XX999"]))

    assert response.status_code == 404
    assert "事项不存在" in _text(response)
    assert '<html lang="zh-CN"' in _text(response)


# ---------------------------------------------------------------- error pages


def test_unknown_url_is_chinese_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in _text(response)


def test_500_page_renders_without_database(rf, django_assert_num_queries):
    from zhengwu.portal.views import error_500

    with django_assert_num_queries(0):
        response = error_500(rf.get("/"))

    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()


def test_400_and_403_handlers_render_chinese_pages(rf, db):
    from django.contrib.auth.models import AnonymousUser

    from zhengwu.portal.views import error_400, error_403

    request = rf.get("/")
    request.user = AnonymousUser()
    assert "请求有误" in error_400(request).content.decode()
    assert error_403(request).status_code == 403
    assert "无权访问" in error_403(request).content.decode()


# ---------------------------------------------------------------- elderly mode


def test_elderly_mode_view_sets_cookie_and_returns_to_local_page(client, db):
    response = client.get(reverse("portal:elderly"), {"mode": "on", "next": "/catalog/?category=power"})

    assert response.status_code == 302
    assert response["Location"] == "/catalog/?category=power"
    assert response.cookies["zw_elderly"].value == "1"


def test_elderly_mode_view_turns_off(client, db):
    response = client.get(reverse("portal:elderly"), {"mode": "off", "next": "/"})

    assert response.cookies["zw_elderly"].value == "0"


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_elderly_mode_view_refuses_external_redirect(client, db, target):
    response = client.get(reverse("portal:elderly"), {"mode": "on", "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_elderly_cookie_renders_class_and_pressed_button(client, catalog):
    client.cookies["zw_elderly"] = "1"

    html = _text(client.get(reverse("portal:home")))

    assert '<html lang="zh-CN" class="elderly">' in html
    assert 'aria-pressed="true"' in html


def test_without_cookie_page_is_normal_mode(client, catalog):
    html = _text(client.get(reverse("portal:home")))

    assert '<html lang="zh-CN">' in html
    assert 'aria-pressed="false"' in html


# ---------------------------------------------------------------- staff office


def test_office_sends_anonymous_to_login(client, db):
    response = client.get(reverse("portal:office"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_office_refuses_citizen_with_chinese_403(client, citizen_user):
    client.force_login(citizen_user)

    response = client.get(reverse("portal:office"))

    assert response.status_code == 403
    assert "工作人员" in _text(response)


def test_office_shows_staff_posts_and_links(client, staff_user):
    login_verified(client, staff_user)

    response = client.get(reverse("portal:office"))

    html = _text(response)
    assert response.status_code == 200
    assert "县政务服务中心" in html and "窗口人员" in html
    assert reverse("portal:catalog") in html
    assert reverse("admin:index") not in html  # not is_staff: no admin link


def test_office_links_admin_for_django_staff(client, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    login_verified(client, staff_user)

    html = _text(client.get(reverse("portal:office")))

    assert reverse("admin:index") in html


def test_office_warns_about_missing_calendar_years(client, staff_user, monkeypatch):
    from zhengwu.core import workdays

    monkeypatch.setattr(workdays, "calendar_missing_years", lambda **kw: [2027])
    login_verified(client, staff_user)

    html = _text(client.get(reverse("portal:office")))

    assert "2027年国务院节假日安排尚未载入,涉及该年度的时限暂按法定节假日规则推算(预计,不含调休)" in html


def test_header_links_office_only_for_staff(client, staff_user, citizen_user):
    client.force_login(citizen_user)
    assert reverse("portal:office") not in _text(client.get(reverse("portal:home")))

    client.force_login(staff_user)
    html = _text(client.get(reverse("portal:home")))
    assert reverse("portal:office") in html
    assert "王窗口" in html and "退出" in html


def test_header_never_shows_a_citizens_raw_id_number(client, citizen_user):
    citizen_user.real_name = ""
    citizen_user.id_number = "110101199003071234"
    citizen_user.save()
    client.force_login(citizen_user)

    html = _text(client.get(reverse("portal:home")))

    assert "110101199003071234" not in html


# ---------------------------------------------------------------- query counts


def test_catalog_list_query_count_is_constant(client, county, django_assert_max_num_queries):
    # Counts a cache miss: the page-cache version read is one of them.
    # Whatever the filters and page, the page costs the same handful of queries.
    for params in ({}, {"category": "power", "page": "3"}, {"department": "D003"}, {"q": "许可"}):
        with django_assert_max_num_queries(11):
            assert client.get(reverse("portal:catalog"), params).status_code == 200


def test_item_page_query_count_is_constant(client, full_item, django_assert_max_num_queries):
    # The published flowchart (权力运行流程图) adds one query: the item's current process
    # definition; the guide's life events one more.
    with django_assert_max_num_queries(6):
        assert client.get(reverse("portal:item", args=[full_item.code])).status_code == 200


def test_home_query_count_is_constant(client, county, django_assert_max_num_queries):
    # The columns plus one or two queries per registered panel (disclosure, letters,
    # participation, site group); anonymous visitors then get the cached page. The service
    # shortcuts add two: life events with counts, and the quick filters' counts.
    with django_assert_max_num_queries(24):
        assert client.get(reverse("portal:home")).status_code == 200


def test_participation_page_lists_service_points_and_shared_supervision_phone(client, county):
    from zhengwu.org.models import Unit

    Unit.objects.create(code="T01-DB", name="城关镇便民服务中心(代办点)", kind=Unit.Kind.SERVICE_POINT,
                        parent=county["root"], phone="0000-1234701")

    html = _text(client.get(reverse("portal:participation")))

    assert "城关镇便民服务中心(代办点)" in html and "0000-1234701" in html
    # Every department publishes the same supervision phone, so it is said once.
    assert html.count("0000-1110099") == 1
    assert "示例县民生路8号" in html


def test_unknown_api_url_answers_json_in_chinese(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "页面不存在", "details": {}}
