"""Bounds for what a request may carry: dates, whole numbers, JSON bodies.

Python fails at the edges: ``date.max + 1 day`` and the UTC instant of a local midnight
on 0001-01-01 raise OverflowError, a number past PostgreSQL's bigint fails in the
database, and ``json.loads`` on deeply nested input raises RecursionError. Every value
from a query string, form or body passes through here first, so it stops at the edge
with a Chinese ``ValidationFailed`` (a 400 on pages and in the API), never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.conf import settings

from .errors import PayloadTooLarge, ValidationFailed

# Wide enough for every real record of a county (archives reach back decades, plans run
# forward), narrow enough that adding a year or a time zone never leaves the calendar.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
# PostgreSQL's bigint: every integer column and key fits in it.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
INT_MAX_DIGITS = 19
JSON_MAX_DEPTH = 32
JSON_MAX_BYTES = 1024 * 1024

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def date_range_message(label: str) -> str:
    return f"{label}须在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间"


def date_check(value: dt.date, *, label: str, field: str = "") -> dt.date:
    """Refuse a date (already parsed, e.g. by a form or schema) outside the bounds."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationFailed(date_range_message(label), code="date_out_of_range", details={"field": field or label})
    return value


def date_parse(value, *, label: str, field: str = "") -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) within the bounds; empty gives None."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return date_check(value, label=label, field=field)
    text = str(value).strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{label}不是有效日期(应为 YYYY-MM-DD)", code="invalid_date", details={"field": field or label},
        ) from None
    return date_check(day, label=label, field=field)


def int_parse(value, *, label: str, field: str = "", low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """A whole number between ``low`` and ``high``; empty gives None."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return None
        digits = text.lstrip("+-")
        if not digits.isascii() or not digits.isdigit() or len(digits) > INT_MAX_DIGITS:
            raise ValidationFailed(f"{label}必须是整数", code="invalid_number", details={"field": field or label})
        number = int(text)
    if not low <= number <= high:
        raise ValidationFailed(
            f"{label}必须在 {low} 到 {high} 之间", code="number_out_of_range", details={"field": field or label},
        )
    return number


def json_max_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_JSON_MAX_BYTES", JSON_MAX_BYTES))


def json_depth(text: str) -> int:
    """The deepest nesting of objects and arrays, without parsing (strings are skipped)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def json_loads_bounded(body: bytes | str, *, max_depth: int = JSON_MAX_DEPTH, max_bytes: int | None = None):
    """Parse a JSON body after checking its size and nesting; Chinese errors for each bound."""
    limit = json_max_bytes() if max_bytes is None else max_bytes
    if len(body) > limit:
        raise PayloadTooLarge(f"提交的内容过大(不能超过 {limit // 1024} KB)", details={"limit": limit})
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise ValidationFailed("请求内容不是有效的 UTF-8 编码 JSON", code="json_invalid") from None
    if json_depth(text) > max_depth:
        raise ValidationFailed(
            f"请求内容的嵌套层级过深(不能超过 {max_depth} 层)", code="json_too_deep", details={"max_depth": max_depth},
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationFailed("请求内容不是有效的 JSON", code="json_invalid") from None


def is_id_text(text) -> bool:
    """Whether ``text`` is a key a bigint column can hold: ASCII digits, at most 18 of them.

    ``str.isdigit`` alone lets "²" through (int() then fails) and any length (the
    database then fails); both were 500s.
    """
    text = str(text)
    return text.isascii() and text.isdigit() and 0 < len(text) <= 18


# Free-text limits in characters, shared by the services that enforce them and the
# pages whose counters show them (已输入 n / max). A text over its limit is refused with
# a Chinese message and stays in the form; nothing is ever cut silently (issue 16).
TEXT_TITLE_MAX = 100
TEXT_LONG_MAX = 5000
TEXT_NOTE_MAX = 1000
TEXT_REASON_MAX = 500


def text_length_message(label: str, max_len: int, actual: int) -> str:
    return f"{label}不能超过 {max_len} 个字(当前 {actual} 个字),请删减后再提交"


def text_length_check(value: str, *, label: str, max_len: int, field: str = "") -> str:
    """Refuse ``value`` longer than ``max_len`` characters (never truncate it)."""
    text = value or ""
    if len(text) > max_len:
        raise ValidationFailed(
            text_length_message(label, max_len, len(text)), code="text_too_long",
            details={"field": field or label, "max_len": max_len, "length": len(text)},
        )
    return text
