import datetime

import pytest

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.identifiers import (
    credit_code_check_char,
    resident_id_check_char,
    validate_credit_code,
    validate_resident_id,
)


def _with_check(first17: str) -> str:
    """Build a valid ID by the GB 11643 algorithm, written out independently here."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


# --- resident ID ---------------------------------------------------------------

def test_check_char_weights_follow_the_standard():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44030119800101001") == "8"


@pytest.mark.parametrize("first17", ["11010119900307002", "44030119800101001", "65010220121231123", "81000019000101001"])
def test_valid_id_numbers_pass(first17):
    number = _with_check(first17)
    assert validate_resident_id(number) == number


def test_id_with_check_char_x_passes_and_lower_case_x_is_normalised():
    # given an ID whose check character is X, typed with a lower-case x and spaces
    typed = " 11010519491231002x "
    # when validated, then it comes back normalised
    assert validate_resident_id(typed) == "11010519491231002X"


def test_full_width_digits_are_normalised():
    assert validate_resident_id("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def _error(value, **kwargs):
    with pytest.raises(ValidationFailed) as info:
        validate_resident_id(value, **kwargs)
    return info.value


def test_wrong_checksum_is_rejected():
    err = _error("110105194912310021")
    assert "校验位错误" in err.message
    assert err.details["field"] == "id_number"


@pytest.mark.parametrize("value", ["11010519491231002", "1101051949123100211", "110105491231002"])
def test_wrong_length_is_rejected(value):
    assert "位数不对" in _error(value).message


def test_letters_inside_the_number_are_rejected():
    assert "格式不对" in _error("1101051949123A002X").message


def test_impossible_birth_date_is_rejected():
    # 1900-02-30 does not exist (and 1900 was not a leap year either)
    number = _with_check("11010519000230001")
    assert "出生日期无效" in _error(number).message


def test_birth_date_before_1900_is_rejected():
    assert "出生日期无效" in _error(_with_check("11010518991231001")).message


def test_future_birth_date_is_rejected():
    today = datetime.date(2026, 3, 1)
    number = _with_check("11010520260302001")
    assert "出生日期晚于今天" in _error(number, today=today).message


def test_birth_today_is_accepted():
    today = datetime.date(2026, 3, 1)
    number = _with_check("11010520260301001")
    assert validate_resident_id(number, today=today) == number


def test_unknown_province_code_is_rejected():
    assert "地区码无效" in _error(_with_check("99010519491231002")).message


def test_region_that_did_not_exist_in_birth_year_is_still_valid():
    # 460000 (Hainan province) was created in 1988; people born earlier elsewhere and
    # later issued a Hainan number are valid, which python-stdnum's is_valid rejects.
    number = _with_check("46010019500101001")
    assert validate_resident_id(number) == number


def test_empty_id_is_rejected():
    assert "请填写" in _error("  ").message


# --- unified social credit code --------------------------------------------------

def _credit_with_check(first17: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3 ** i % 31 for i in range(17)]
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights))
    return first17 + alphabet[(31 - total % 31) % 31]


def _credit_error(value):
    with pytest.raises(ValidationFailed) as info:
        validate_credit_code(value)
    return info.value


def test_known_real_format_credit_code_is_valid():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_credit_check_char_matches_the_standard_weights():
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("first17", ["91110000MA01DEM00", "12100000400000001", "A1110000MA0000001", "N2330100MA0000001", "Y1110000MA0000001", "53100000500021676"])
def test_credit_codes_built_by_the_algorithm_pass(first17):
    code = _credit_with_check(first17)
    assert validate_credit_code(code.lower()) == code


def test_credit_code_with_wrong_check_char_is_rejected():
    err = _credit_error("91350100M000100Y44")
    assert "校验位错误" in err.message
    assert err.details["field"] == "credit_code"


@pytest.mark.parametrize("first", ["0", "B", "X"])
def test_credit_code_with_bad_first_char_is_rejected(first):
    code = _credit_with_check(first + "1350100M000100Y4")
    assert "第1位" in _credit_error(code).message


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_with_excluded_letters_is_rejected(letter):
    err = _credit_error(f"91350100M0001{letter}0Y43")
    assert "不允许的字符" in err.message
    assert letter in err.message


@pytest.mark.parametrize("value", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_credit_code_with_wrong_length_is_rejected(value):
    err = _credit_error(value)
    assert "位数不对" in err.message or "请填写" in err.message


def test_credit_code_region_must_be_digits():
    assert "行政区划码" in _credit_error(_credit_with_check("9135A100M000100Y4")).message
