"""Masked display of personal data (PIPL: show the minimum)."""

import re
from dataclasses import dataclass


def mask_id_number(value: str) -> str:
    """110105199003071234 → 110***********1234 (first 3 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """13812341234 → 138****1234."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# --- personal numbers inside free text ---------------------------------------------------
# The shapes every free-text column is searched for before it is stored (letters, comments,
# requests, replies, reasons): resident ID numbers (18 and 15 digits) and mainland mobile
# numbers, also written with spaces, dashes or +86. The publication masker
# (zhengwu.letters.masking) uses the same patterns and adds names, addresses and others.
ID18_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
ID15_PATTERN = re.compile(r"(?<!\d)[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
MOBILE_PATTERN = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
# Any 18-character ID-shaped or 11-digit mobile-shaped run, date or not: stored text is
# protected generously (a false hit costs a few bytes; a miss leaves a number in the clear).
_LOOSE_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LOOSE_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class NumberSpan:
    kind: str  # "id_number" or "phone"
    start: int
    end: int


def personal_number_spans(text: str) -> list[NumberSpan]:
    """Where ID and mobile numbers stand in ``text``: non-overlapping, in order."""
    if not text:
        return []
    spans: list[NumberSpan] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("id_number", ID18_PATTERN), ("id_number", _LOOSE_ID), ("id_number", ID15_PATTERN),
                          ("phone", MOBILE_PATTERN), ("phone", _LOOSE_MOBILE)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            spans.append(NumberSpan(kind, start, end))
    return sorted(spans, key=lambda s: s.start)


def mask_personal_numbers(text: str) -> str:
    """``text`` with every ID and mobile number shown masked (first 3 and last 4 kept)."""
    out, last = [], 0
    for span in personal_number_spans(text):
        value = text[span.start:span.end]
        out.append(text[last:span.start])
        out.append(mask_id_number(value) if span.kind == "id_number" else mask_phone(value))
        last = span.end
    out.append(text[last:])
    return "".join(out)
