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

from django.core.exceptions import FieldError
from django.db import models

from . import crypto

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
