"""The one control-character and bidi sanitiser for free text typed by anyone.

Every form and service that accepts free text (letters, comments and answers, case
reasons and notes, disclosure requests, disclosures, feed source names ...) removes or
refuses the same characters, so no field lets through what another refuses:

* C0 controls except tab, line feed and carriage return (callers normalise ``\\r\\n``),
  DEL and the C1 controls: NUL cannot even be stored in PostgreSQL text, and the others
  corrupt exports (Excel refuses them) and terminals;
* zero-width characters and the byte-order mark (U+200B–U+200F, U+FEFF): invisible text
  that slips a word past the sensitive-word filter;
* bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
  reorder what a reader sees ("Trojan Source"), e.g. a file name or a reply that reads
  differently from what is stored.

``strip_unsafe_chars`` drops them (for text that is kept); ``has_unsafe_chars`` tells a
service to refuse the input instead (where a silent change would alter a legal record).
Search queries (``zhengwu.search.text``) and upload names (``core.uploads.inspection``)
normalise a wider set for their own purposes on top of this.
"""

from __future__ import annotations

import re

UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def strip_unsafe_chars(text: str) -> str:
    """Return ``text`` without control, zero-width and bidi-control characters."""
    return UNSAFE_CHARS.sub("", text or "")


def has_unsafe_chars(text: str) -> bool:
    return UNSAFE_CHARS.search(text or "") is not None
