"""Checking the two national identifiers people and organisations register with.

* Resident ID number (公民身份号码), GB 11643-1999: 6-digit region code, 8-digit birth
  date, 3-digit sequence, 1 check character (ISO 7064 MOD 11-2).
* Unified social credit code (统一社会信用代码), GB 32100-2015: registering authority,
  organisation kind, 6-digit region code, 9-character organisation code, 1 check
  character (MOD 31 over the code alphabet).

We do not use python-stdnum's ``is_valid``/``validate`` for ID numbers: it rejects
valid numbers whose region code did not exist in the birth year (a person moved, or
the region was renamed, and still keeps their number).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from .errors import ValidationFailed

# Province-level codes of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong/Macao) and
# 83 (residence permits of Taiwan residents), which the ID system also issues.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)

# Weights are 2^(17-i) mod 11 (GB 11643-1999, 4.2).
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)

# GB 32100-2015: the code alphabet leaves out I, O, Z, S and V (easily misread).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 登记管理部门代码: 1-9 (机构编制, 外交, 司法行政, 文化, 民政, 旅游, 宗教, 工会, 工商),
# A (中央军委改革和编制办公室), N (农业), Y (其他).
CREDIT_CODE_FIRST_CHARS = frozenset("123456789ANY")

_EARLIEST_BIRTH = datetime.date(1900, 1, 1)


def _normalise(value) -> str:
    # NFKC turns full-width digits and letters (common with Chinese input methods)
    # into ASCII; people also paste numbers with spaces in them.
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def resident_id_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def validate_resident_id(value, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character ID number or raise ValidationFailed (Chinese)."""
    number = _normalise(value)
    details = {"field": "id_number"}
    if not number:
        raise ValidationFailed("请填写身份证号", code="id_number_required", details=details)
    if len(number) != 18:
        raise ValidationFailed(
            f"身份证号位数不对:应为18位,实际为{len(number)}位", code="id_number_length", details=details
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationFailed(
            "身份证号格式不对:前17位应为数字,最后一位为数字或X", code="id_number_format", details=details
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationFailed("身份证号地区码无效", code="id_number_region", details=details)
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth < _EARLIEST_BIRTH:
        raise ValidationFailed("身份证号中的出生日期无效", code="id_number_birth_date", details=details)
    if birth > (today or datetime.date.today()):
        raise ValidationFailed("身份证号中的出生日期晚于今天", code="id_number_birth_future", details=details)
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationFailed(
            "身份证号校验位错误,请核对后重新输入", code="id_number_checksum", details=details
        )
    return number


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value) -> str:
    """Return the normalised 18-character credit code or raise ValidationFailed (Chinese)."""
    code = _normalise(value)
    details = {"field": "credit_code"}
    if not code:
        raise ValidationFailed("请填写统一社会信用代码", code="credit_code_required", details=details)
    if len(code) != 18:
        raise ValidationFailed(
            f"统一社会信用代码位数不对:应为18位,实际为{len(code)}位", code="credit_code_length", details=details
        )
    bad = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if bad:
        raise ValidationFailed(
            f"统一社会信用代码含有不允许的字符:{'、'.join(bad)}(代码不使用字母I、O、Z、S、V)",
            code="credit_code_charset",
            details=details,
        )
    if code[0] not in CREDIT_CODE_FIRST_CHARS:
        raise ValidationFailed(
            "统一社会信用代码第1位(登记管理部门代码)无效,应为1-9、A、N或Y",
            code="credit_code_first_char",
            details=details,
        )
    if not code[2:8].isdigit():
        raise ValidationFailed(
            "统一社会信用代码第3至8位应为登记管理机关行政区划码(数字)",
            code="credit_code_region",
            details=details,
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationFailed(
            "统一社会信用代码校验位错误,请核对后重新输入", code="credit_code_checksum", details=details
        )
    return code
