"""Mask personal data in a comment before staff publish it (PIPL: the minimum, never the writer).

The platform has one masker, kept with published letters (``zhengwu.letters.masking``):
ID and card numbers, phones, e-mail, QQ/WeChat ids, names (the writer's own and
detected ones) and house-level addresses. Imported lazily, like the moderation list.
Staff review the masked text and may edit it; an edit is masked again before it goes out.
"""

from __future__ import annotations


def personal_data_mask(text: str, *, names=()) -> str:
    from zhengwu.letters.masking import mask_personal_data

    return mask_personal_data(text or "", known_names=[n for n in names if n]).text
