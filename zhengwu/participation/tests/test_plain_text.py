"""Plain text from user input: markup removed, controls dropped, length bounded, Chinese messages."""

import pytest

from zhengwu.core.errors import ValidationFailed
from zhengwu.participation.plain_text import clean_line, clean_plain_text


def test_script_and_tags_are_removed_with_the_script_content():
    text = clean_plain_text('建议<script>alert("x")</script><b>加快</b>办理 <img src=x onerror=alert(1)>', label="意见内容",
                            max_length=100)

    assert text == "建议加快办理"


def test_comparison_signs_and_ampersands_survive_as_typed():
    assert clean_plain_text("票价 < 2元 & 班次 > 10", label="意见内容", max_length=100) == "票价 < 2元 & 班次 > 10"


def test_nul_and_control_characters_are_dropped_but_newlines_kept():
    assert clean_plain_text("第一行\x00\x07\r\n第二行\x1b", label="意见内容", max_length=100) == "第一行\n第二行"


def test_oversize_text_is_refused_with_the_limit_in_chinese():
    with pytest.raises(ValidationFailed) as exc:
        clean_plain_text("字" * 2001, label="意见内容", max_length=2000)

    assert "意见内容不能超过 2000 个字" in exc.value.message
    assert exc.value.details == {"max_length": 2000, "length": 2001}


@pytest.mark.parametrize("value", ["", "   ", "<script>x</script>", None])
def test_required_text_that_is_empty_after_cleaning_is_refused(value):
    with pytest.raises(ValidationFailed, match="请填写意见内容"):
        clean_plain_text(value, label="意见内容", max_length=100)


@pytest.mark.parametrize("value", [123, ["a"], {"a": 1}])
def test_non_strings_are_refused_not_coerced(value):
    with pytest.raises(ValidationFailed, match="意见内容格式不正确"):
        clean_plain_text(value, label="意见内容", max_length=100)


def test_one_line_fields_collapse_whitespace():
    assert clean_line("  城区\n停车   规定 ", label="标题", max_length=20) == "城区 停车 规定"
