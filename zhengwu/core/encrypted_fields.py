"""A model field whose column holds only SM4 ciphertext (personal data at rest).

The Python value is the plaintext; the column holds the crypto provider's token
(``sm4g1:<key id>:<base64>``), a fresh random nonce on every write. Because equal
plaintexts give different tokens, the database cannot compare them: every lookup but
``isnull`` is refused loudly, and exact matches go through a blind-index column kept
beside the field (see ``zhengwu.accounts.models.User``).

Serialisation (``dumpdata``) writes the token, never the plaintext, and loading a
token decrypts it again, so fixtures and backups stay encrypted too.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldError
from django.db import models

from . import crypto, masking

_ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedTextField(models.TextField):
    description = "SM4-encrypted text"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            # Nothing to hide; an empty string stays comparable with isnull-like checks.
            return value
        if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
            raise ValueError("refusing to encrypt a value that already is a ciphertext token")
        return crypto.provider().encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.provider().decrypt(value)

    def to_python(self, value):
        # Deserialisers (loaddata) hand us the stored token; forms hand us plaintext.
        if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
            return crypto.provider().decrypt(value)
        return super().to_python(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        if value is None or value == "":
            return value
        return crypto.provider().encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise FieldError(
                f"Encrypted field '{self.name}' cannot be queried with '{lookup_name}': the column holds "
                "randomised ciphertext. Query its blind-index column instead."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"Encrypted field '{self.name}' supports no transforms ('{lookup_name}').")


# --- free text with personal numbers encrypted in place ----------------------------------
# Letters, comments, requests and replies are free text that people fill with their own
# ID and phone numbers. The text stays readable and searchable by its words; each number
# inside it is stored as an SM4 token between two private-use characters, which no
# keyboard produces: "请回电\ue000sm4g1:k0:…\ue001". Reading decrypts them again, so the
# Python value is the text as written and every page and service works unchanged.
TOKEN_OPEN, TOKEN_CLOSE = "\ue000", "\ue001"
_TOKEN_RE = re.compile(f"{TOKEN_OPEN}({crypto.PREFIX}:[^{TOKEN_CLOSE}]*){TOKEN_CLOSE}")


def protect_text(text: str) -> str:
    """Return ``text`` with every ID and mobile number replaced by an inline SM4 token.

    ``text`` is always plain (fields reveal on every read), so any delimiter in it was
    typed in; it is dropped, and nobody can make a stored value look like a token.
    """
    if not text:
        return text
    return _protect_plain(text)


def _protect_plain(text: str) -> str:
    text = text.replace(TOKEN_OPEN, "").replace(TOKEN_CLOSE, "")
    spans = masking.personal_number_spans(text)
    if not spans:
        return text
    provider = crypto.provider()
    out, last = [], 0
    for span in spans:
        out.append(text[last:span.start])
        out.append(TOKEN_OPEN + provider.encrypt(text[span.start:span.end]) + TOKEN_CLOSE)
        last = span.end
    out.append(text[last:])
    return "".join(out)


def reveal_text(stored: str) -> str:
    """Decrypt the inline tokens of a stored text (a token that will not decrypt reads ``***``)."""
    if not stored or TOKEN_OPEN not in stored:
        return stored
    provider = crypto.provider()

    def decrypt(match):
        try:
            return provider.decrypt(match.group(1))
        except crypto.CryptoError:
            return "***"

    return _TOKEN_RE.sub(decrypt, stored)


class PersonalDataTextField(models.TextField):
    """Free text whose ID and mobile numbers are stored SM4-encrypted in place."""

    description = "Text with personal numbers encrypted"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return protect_text(value) if isinstance(value, str) else value

    def from_db_value(self, value, expression, connection):
        return reveal_text(value) if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        return reveal_text(value) if isinstance(value, str) else value

    def value_to_string(self, obj):
        # dumpdata and fixtures hold the protected form; loading it reveals it again.
        return protect_text(self.value_from_object(obj))


class PersonalDataCharField(models.CharField):
    """A short free-text field (a title, a reason) treated like ``PersonalDataTextField``.

    ``max_length`` still limits what a person may type (forms, ``full_clean``); the column
    is unbounded text, because each protected number grows by its token (~60 characters)
    and a bounded column would refuse the row on PostgreSQL.
    """

    description = "Short text with personal numbers encrypted"

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return protect_text(value) if isinstance(value, str) else value

    def from_db_value(self, value, expression, connection):
        return reveal_text(value) if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        return reveal_text(value) if isinstance(value, str) else value

    def value_to_string(self, obj):
        return protect_text(self.value_from_object(obj))


def _walk(value, convert):
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, list):
        return [_walk(v, convert) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, convert) for k, v in value.items()}
    return value


class PersonalDataJSONField(models.JSONField):
    """JSON whose string values have their personal numbers encrypted in place (keys stay)."""

    description = "JSON with personal numbers encrypted"

    def get_prep_value(self, value):
        return super().get_prep_value(_walk(value, protect_text))

    def from_db_value(self, value, expression, connection):
        return _walk(super().from_db_value(value, expression, connection), reveal_text)

    def value_to_string(self, obj):
        return _walk(self.value_from_object(obj), protect_text)

    def to_python(self, value):
        # loaddata hands back what value_to_string wrote.
        return _walk(super().to_python(value), reveal_text)


def protect_existing(apps, model_label: str, field_names: list[str], *, batch_size: int = 500) -> int:
    """Migration helper: rewrite the rows of ``model_label`` so the fields are protected.

    Reads through the historical model (whose fields are already the protecting kind, so
    plain old values read back as they are) and writes each row whose stored text still
    holds a clear number. Works the same on SQLite and PostgreSQL; returns rows rewritten.
    """
    model = apps.get_model(model_label)
    changed = 0
    last_pk = None
    while True:
        rows = model.objects.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values("pk", *field_names)[:batch_size])
        if not batch:
            return changed
        for row in batch:
            updates = {name: row[name] for name in field_names if _holds_clear_number(row[name])}
            if updates:
                model.objects.filter(pk=row["pk"]).update(**updates)
                changed += 1
        last_pk = batch[-1]["pk"]


def _holds_clear_number(value) -> bool:
    if isinstance(value, str):
        return bool(masking.personal_number_spans(_TOKEN_RE.sub("", value)))
    if isinstance(value, list):
        return any(_holds_clear_number(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_clear_number(v) for v in value.values())
    return False
