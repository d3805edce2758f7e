"""Every write of the letters app (CONVENTIONS rule 1): import services from here."""

from .config import channel_policy_update, sensitive_word_add, sensitive_word_update
from .handling import (
    letter_accept,
    letter_assign,
    letter_extension_decide,
    letter_extension_request,
    letter_joint_opinion,
    letter_not_accept,
    letter_rate,
    letter_rehandle_request,
    letter_reply_decide,
    letter_reply_draft,
    letter_transfer,
)
from .publication import publication_prepare, publication_publish, publication_withdraw
from .submission import (
    ATTACHMENT_PURPOSE,
    BODY_MAX,
    LETTER_OBJECT_TYPE,
    TITLE_MAX,
    letter_submit,
    normalise_query_code,
    text_fingerprint,
)

__all__ = [
    "ATTACHMENT_PURPOSE",
    "BODY_MAX",
    "LETTER_OBJECT_TYPE",
    "TITLE_MAX",
    "channel_policy_update",
    "letter_accept",
    "letter_assign",
    "letter_extension_decide",
    "letter_extension_request",
    "letter_joint_opinion",
    "letter_not_accept",
    "letter_rate",
    "letter_rehandle_request",
    "letter_reply_decide",
    "letter_reply_draft",
    "letter_submit",
    "letter_transfer",
    "normalise_query_code",
    "publication_prepare",
    "publication_publish",
    "publication_withdraw",
    "sensitive_word_add",
    "sensitive_word_update",
    "text_fingerprint",
]
