"""Plain text from what a user typed: no markup, no control or bidi characters (core.sanitise), bounded length.

Comments and answers are shown as text (autoescaped), never as HTML, so markup is
removed rather than kept: nh3 drops tags and the *content* of <script>/<style>; what is
left is unescaped back to the characters the person typed.
"""

from __future__ import annotations

import html
import re

import nh3

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.sanitise import strip_unsafe_chars

_BLANK_LINES = re.compile(r"\n{3,}")


def clean_plain_text(value, *, label: str, max_length: int, required: bool = True, code: str = "text") -> str:
    """Return ``value`` as clean plain text or raise a Chinese ValidationFailed.

    ``label`` names the field in messages (意见内容, 标题 ...). Non-strings are refused
    rather than coerced, so a JSON number or list never becomes "123" or "['a']".
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}格式不正确", code=f"{code}_invalid")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_unsafe_chars(text)
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code=f"{code}_required")
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字(现为 {len(text)} 个字)", code=f"{code}_too_long",
                               details={"max_length": max_length, "length": len(text)})
    return text


def clean_line(value, *, label: str, max_length: int, required: bool = True, code: str = "text") -> str:
    """One-line text (titles, option labels): newlines become spaces."""
    text = clean_plain_text(value, label=label, max_length=max_length * 2 if max_length else max_length,
                            required=required, code=code)
    text = " ".join(text.split())
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字", code=f"{code}_too_long",
                               details={"max_length": max_length, "length": len(text)})
    return text
