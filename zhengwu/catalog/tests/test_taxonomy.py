"""The keyword rules that first sort items for browsing (catalog/taxonomy.py)."""

from zhengwu.catalog.services import basic_catalog_read
from zhengwu.catalog.taxonomy import BOTH, LEGAL, LIFE_EVENTS, PERSON, classify


def test_homestead_approval_is_a_personal_housing_item_handled_in_townships():
    result = classify("农村村民宅基地审批")

    assert (result.audience, result.events, result.township_level) == (PERSON, ("housing",), True)


def test_company_registration_is_a_business_start_item():
    result = classify("企业登记")

    assert result.audience == LEGAL and result.events == ("start",) and not result.township_level


def test_a_name_with_both_kinds_of_keyword_is_for_both_and_gets_events_of_both():
    result = classify("个体工商户登记")

    assert result.audience == BOTH and "start" in result.events


def test_personal_events_never_tag_an_item_only_businesses_apply_for():
    # 生育 is a personal keyword, but a licence for clinics is asked for by institutions.
    result = classify("母婴保健技术服务执业许可")

    assert result.audience == LEGAL
    assert not {e.code for e in LIFE_EVENTS if e.audience == PERSON} & set(result.events)


def test_a_plain_licence_without_keywords_is_for_legal_persons():
    assert classify("林木采伐许可").audience == LEGAL


def test_every_life_event_of_the_seed_catalog_tags_at_least_one_item():
    names = [i["name"] for i in basic_catalog_read()["items"] if i["category"] != "disclosure"]
    tagged = {code for name in names for code in classify(name).events}

    assert tagged == {e.code for e in LIFE_EVENTS}
