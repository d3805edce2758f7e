"""The routing model: built from real demo data, learning from decisions, rebuilds, bad input."""

import pytest

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditEvent
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.routing import profiles
from zhengwu.routing.models import RoutingDecision
from zhengwu.routing.services import TEXT_MAX, routing_decision_record, routing_suggest

pytestmark = pytest.mark.django_db


def _codes(text):
    return [s.department_code for s in routing_suggest(text=text)]


# ------------------------------------------------------------------ the model from the demo county


def test_model_uses_demo_responsibilities_work_areas_and_items(demo_county):
    model = profiles.current_model()
    by_code = {d.code: d for d in model.departments}
    # Every department of the demo county still in office (the 2019 reform retired some),
    # no townships or sections.
    assert set(by_code) == {code for code, unit in demo_county.items() if unit.is_active}
    assert by_code["SLX-09"].work_areas == ("环境保护工作",)
    env = model.index_of_code["SLX-09"]
    # 职责 "环境影响评价" and an item name word both reach the environment bureau's profile.
    assert model.fields["duty"][env]["环境影响"] > 0 or model.fields["duty"][env]["评价"] > 0
    assert sum(model.fields["items"][env].values()) > 0
    assert model.fields["lexicon"][env]["油烟"] == 1


def test_suggestions_are_top3_best_first_with_scores_in_unit_interval(demo_county):
    suggestions = routing_suggest(text="楼下饭店油烟太大,晚上还有噪音")
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0].department_code == "SLX-09"
    assert suggestions[0].department_name == "县生态环境局"  # renamed in the 2019 reform
    assert suggestions[0].work_areas == ["环境保护工作"]
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


@pytest.mark.parametrize(("text", "expected"), [
    ("孩子上学", "SLX-02"),
    ("工资被拖欠", "SLX-07"),
    ("楼下饭店油烟太大", "SLX-09"),
    ("办理居民身份证", "SLX-03"),  # a catalog item name works as well as everyday words
])
def test_everyday_words_and_item_names_find_their_department(demo_county, text, expected):
    assert _codes(text)[0] == expected


def test_text_that_names_no_domain_gets_no_suggestion(demo_county):
    assert routing_suggest(text="你好") == []


# ------------------------------------------------------------------ learning and rebuilding


def test_clerks_decisions_change_the_ranking(small_county):
    clerk = StaffFactory()
    text = "广场舞音响太吵,天天到晚上十点"
    before = _codes(text)
    assert before[:1] != ["R-POL"]  # 广场舞 is a culture word, 太吵 a pollution one
    for letter_id in (1, 2, 3):
        routing_decision_record(
            actor=clerk, letter_id=letter_id, suggested_codes=before, chosen_code="R-POL",
            text="广场舞音响太吵扰民",
        )
    assert _codes(text)[0] == "R-POL"


def test_decisions_are_learned_incrementally_without_rebuilding(small_county):
    first = profiles.current_model()
    routing_decision_record(actor=None, letter_id=9, suggested_codes=[], chosen_code="R-CUL", text="古庙壁画脱落")
    second = profiles.current_model()
    assert second is first  # the static part did not change: only the learned field moved
    assert second.fields["learned"][second.index_of_code["R-CUL"]]["壁画"] == 1
    assert _codes("壁画")[0] == "R-CUL"


def test_a_new_department_is_suggested_at_once(small_county):
    before = routing_suggest(text="无人机黑飞")
    assert [s.basis for s in before] == ["fallback"]  # no evidence: only the fallback
    org_services.unit_create(
        actor=None, code="R-AIR", name="县航空管理办公室", kind=Unit.Kind.DEPARTMENT,
        parent=small_county["env"].parent, responsibilities="负责全县无人机飞行和通用航空管理。",
    )
    assert _codes("无人机黑飞")[0] == "R-AIR"


def test_learning_is_capped_so_a_flood_cannot_drown_a_profile(small_county):
    for letter_id in range(1, 30):
        routing_decision_record(actor=None, letter_id=letter_id, suggested_codes=[], chosen_code="R-CUL",
                                text="噪音")
    model = profiles.current_model()
    assert model.fields["learned"][model.index_of_code["R-CUL"]]["噪音"] == profiles.LEARNED_CAP


# ------------------------------------------------------------------ decisions


def test_decision_records_followed_flags_terms_and_audit(small_county):
    clerk = StaffFactory()
    decision = routing_decision_record(
        actor=clerk, letter_id=7, suggested_codes=["R-ENV", "R-POL"], chosen_code="R-POL",
        text="邻居半夜吵闹打架",
    )
    decision.refresh_from_db()
    assert (decision.followed_top1, decision.followed_top3) == (False, True)
    assert decision.chosen_department == small_county["police"]
    assert "打架" in decision.terms
    event = AuditEvent.objects.get(action="routing.decision.record")
    assert event.details["chosen"] == "R-POL" and event.actor == clerk


def test_decision_without_suggestion_counts_as_not_followed(small_county):
    decision = routing_decision_record(actor=None, letter_id=8, suggested_codes=[], chosen_code="R-ENV", text="")
    assert (decision.followed_top1, decision.followed_top3) == (False, False)


def test_decision_reads_the_letter_text_when_none_is_given(small_county):
    from zhengwu.letters.models import Letter

    letter = Letter.objects.create(query_code="ROUTE0001", channel="complaint", title="文物被毁",
                                   body="村口石碑被人推倒", fingerprint="x")
    decision = routing_decision_record(actor=None, letter_id=letter.pk, suggested_codes=["R-CUL"],
                                       chosen_code="R-CUL")
    assert "石碑" in decision.terms and decision.followed_top1


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"chosen_code": "NOPE"}, "routing_department_unknown"),
    ({"chosen_code": ""}, "routing_department_unknown"),
    ({"letter_id": "abc"}, "routing_letter_invalid"),
    ({"letter_id": 0}, "routing_letter_invalid"),
    ({"suggested_codes": "R-ENV"}, "routing_suggested_invalid"),
    ({"suggested_codes": [1, 2]}, "routing_suggested_invalid"),
])
def test_decision_refuses_bad_input_in_chinese(small_county, kwargs, code):
    args = {"actor": None, "letter_id": 1, "suggested_codes": [], "chosen_code": "R-ENV", "text": ""} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        routing_decision_record(**args)
    assert exc.value.code == code
    assert not RoutingDecision.objects.exists()


# ------------------------------------------------------------------ bad text


@pytest.mark.parametrize(("text", "code"), [
    ("", "routing_text_empty"),
    ("   \n\t ", "routing_text_empty"),
    ("x" * (TEXT_MAX + 1), "routing_text_too_long"),
    ("油烟\x00太大", "routing_text_invalid"),
    ("!!!???……。。。", "routing_text_garbage"),
    ("\x01\x02\x03", "routing_text_garbage"),
    (None, "routing_text_invalid"),
    (12345, "routing_text_invalid"),
])
def test_bad_text_is_refused_with_a_chinese_message(small_county, text, code):
    with pytest.raises(ValidationFailed) as exc:
        routing_suggest(text=text)
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_script_and_long_but_allowed_text_are_just_text(small_county):
    text = "<script>alert(1)</script>工厂排污" + "污染" * 5000
    assert _codes(text)[0] == "R-ENV"
