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


# Keys next to each other on a keyboard, and the alphabet and digits in order: runs along
# them ("qwerty", "asdf", "1234", "!@#$") are the first thing a guessing list tries, even
# when the password mixes four character classes ("Qwerty123!").
_SEQUENCES = (
    "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "~!@#$%^&*()_+",
    "abcdefghijklmnopqrstuvwxyz", "01234567890",
)
_WALK_MIN = 3


def _walk_lengths(password: str) -> list[int]:
    """Lengths of the maximal keyboard/alphabet runs (forward or backward, ≥ 3 keys) in ``password``."""
    text = password.lower()
    runs, i = [], 0
    while i < len(text):
        best = 1
        for seq in _SEQUENCES:
            for line in (seq, seq[::-1]):
                pos = line.find(text[i])
                if pos < 0:
                    continue
                n = 1
                while i + n < len(text) and pos + n < len(line) and text[i + n] == line[pos + n]:
                    n += 1
                best = max(best, n)
        if best >= _WALK_MIN:
            runs.append(best)
            i += best
        else:
            i += 1
    return runs


class KeyboardPatternValidator:
    """Refuse passwords made mostly of keyboard walks or sequences (qwerty, asdf, 1234, abcd).

    A run of six or more keys, or runs that make up half the password or more, fail: such
    passwords satisfy the character-class rule yet sit at the top of every guessing list.
    """

    def validate(self, password, user=None):
        runs = _walk_lengths(password or "")
        if runs and (max(runs) >= 6 or sum(runs) * 2 >= len(password)):
            raise ValidationError(
                "密码不能主要由键盘上相邻的键或连续的字母、数字组成(如 qwerty、asdf、1234)。",
                code="password_keyboard_pattern",
            )

    def get_help_text(self):
        return "不能主要由键盘上相邻的键或连续的字母、数字组成"
