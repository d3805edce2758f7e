"""One sanitiser for free text: control, zero-width and bidi characters go everywhere alike."""

import pytest

from zhengwu.core.sanitise import has_unsafe_chars, strip_unsafe_chars

UNSAFE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff"]


@pytest.mark.parametrize("ch", UNSAFE)
def test_unsafe_characters_are_found_and_dropped(ch):
    text = f"申请{ch}公开"

    assert has_unsafe_chars(text)
    assert strip_unsafe_chars(text) == "申请公开"


def test_line_breaks_tabs_and_chinese_punctuation_are_kept():
    text = "第一行\n第二行\r\n\t“引号”,句号。\u3000全角空格"

    assert not has_unsafe_chars(text)
    assert strip_unsafe_chars(text) == text


def test_none_is_empty_text():
    assert strip_unsafe_chars(None) == ""
    assert not has_unsafe_chars(None)


def test_every_free_text_service_uses_the_same_sanitiser():
    # Letters, disclosure requests, comments and disclosures drop a bidi override alike.
    from zhengwu.disclosure.richtext import strip_control
    from zhengwu.disclosure_requests.services import clean_text as request_text
    from zhengwu.letters.services.common import clean_text as letter_text
    from zhengwu.participation.plain_text import clean_plain_text

    sneaky = "退款\u202e请\u200b联系"
    assert letter_text(sneaky, label="内容", max_len=50) == "退款请联系"
    assert request_text(sneaky, label="内容", max_len=50) == "退款请联系"
    assert clean_plain_text(sneaky, label="内容", max_length=50) == "退款请联系"
    assert strip_control(sneaky) == "退款请联系"
