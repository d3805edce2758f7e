"""Mask personal data in a comment before staff publish it (PIPL: the minimum, never the writer).

The platform has one masker (``zhengwu.core.text_masking``): ID and card numbers,
phones, e-mail, QQ/WeChat ids, names (the writer's own and detected ones) and
house-level addresses. Staff review the masked text and may edit it; an edit is masked again before it goes out.
"""

from __future__ import annotations

from zhengwu.core.text_masking import mask_personal_data


def personal_data_mask(text: str, *, names=()) -> str:
    return mask_personal_data(text or "", known_names=[n for n in names if n]).text
