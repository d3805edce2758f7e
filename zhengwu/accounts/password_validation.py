"""Password strength rule of MLPS level 3: length plus character variety.

Django's similarity and common-password validators stay registered beside this one
(their Chinese messages come from Django's zh-hans locale).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

_CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> int:
    has_upper = any(c.isascii() and c.isupper() for c in password)
    has_lower = any(c.isascii() and c.islower() for c in password)
    has_digit = any(c.isdigit() for c in password)
    has_symbol = any(not c.isalnum() for c in password)
    return sum((has_upper, has_lower, has_digit, has_symbol))


class CharacterClassValidator:
    """At least ``min_length`` characters drawn from at least ``min_classes`` of the four
    classes: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(f"密码太短,至少需要{self.min_length}个字符。", code="password_too_short"))
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    f"密码须包含{'、'.join(_CLASS_NAMES)}中的至少{self.min_classes}类。",
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return f"至少{self.min_length}位,包含{'、'.join(_CLASS_NAMES)}中的至少{self.min_classes}类"
