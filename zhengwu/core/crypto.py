"""Personal-data cryptography behind one provider interface (GB/T 39786 style).

The default provider is software SM4-GCM for confidentiality and HMAC-SM3 for blind
indexes, both from ``cryptography``. A certified hardware module (密码机) replaces it by
naming another class in ``ZHENGWU_CRYPTO_PROVIDER``: it only has to implement
``CryptoProvider``.

Ciphertext format: ``sm4g1:<key id>:<base64(nonce || ciphertext || tag)>``, so keys can
be rotated (old ids stay decryptable while new writes use the current key).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string

PREFIX = "sm4g1"


class CryptoError(Exception):
    pass


class CryptoProvider(Protocol):
    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...

    def blind_index(self, value: str, *, purpose: str) -> str: ...


def _derive(secret: bytes, info: bytes, length: int = 16) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"zhengwu", info=info).derive(secret)


class SoftwareSM4Provider:
    """SM4-GCM with 96-bit random nonces; blind index = HMAC-SM3 under a separate key."""

    def __init__(self, *, keys: dict[str, bytes], current_key_id: str, index_key: bytes):
        if current_key_id not in keys:
            raise CryptoError("current key id has no key")
        for key in keys.values():
            if len(key) != 16:
                raise CryptoError("SM4 keys are 128 bits")
        self.keys = keys
        self.current_key_id = current_key_id
        self.index_key = index_key

    @classmethod
    def from_settings(cls) -> "SoftwareSM4Provider":
        keys = {}
        for entry in settings.ZHENGWU_SM4_KEYS:
            key_id, _, hex_key = entry.partition(":")
            keys[key_id] = bytes.fromhex(hex_key)
        if not keys:
            # Demo/test only: derive from SECRET_KEY so `make run` works without set-up.
            # Production settings refuse to start without explicit keys (see settings).
            keys = {"k0": _derive(settings.SECRET_KEY.encode(), b"sm4-data-key")}
        current = settings.ZHENGWU_SM4_CURRENT_KEY or next(iter(keys))
        index_hex = settings.ZHENGWU_BLIND_INDEX_KEY
        index_key = bytes.fromhex(index_hex) if index_hex else _derive(
            settings.SECRET_KEY.encode(), b"sm3-blind-index", 32
        )
        return cls(keys=keys, current_key_id=current, index_key=index_key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        key_id = self.current_key_id
        encryptor = Cipher(algorithms.SM4(self.keys[key_id]), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(key_id.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        blob = base64.b64encode(nonce + body + encryptor.tag).decode()
        return f"{PREFIX}:{key_id}:{blob}"

    def decrypt(self, token: str) -> str:
        try:
            prefix, key_id, blob = token.split(":", 2)
            raw = base64.b64decode(blob)
            key = self.keys[key_id]
        except (ValueError, KeyError) as exc:
            raise CryptoError("密文格式无效或密钥不存在") from exc
        if prefix != PREFIX or len(raw) < 28:
            raise CryptoError("密文格式无效")
        nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(key_id.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except InvalidTag as exc:
            raise CryptoError("密文校验失败(数据被篡改或密钥错误)") from exc

    def blind_index(self, value: str, *, purpose: str) -> str:
        # The purpose is mixed in so that equal values in different fields (an ID number
        # and a phone that happen to match) do not share an index value.
        mac = hmac.HMAC(self.index_key, hashes.SM3())
        mac.update(purpose.encode() + b"\x00" + value.encode())
        return mac.finalize().hex()


@functools.lru_cache(maxsize=1)
def provider() -> CryptoProvider:
    cls = import_string(settings.ZHENGWU_CRYPTO_PROVIDER)
    return cls.from_settings()


def reset_provider_cache() -> None:
    provider.cache_clear()


def fingerprint(value: str) -> str:
    """Short non-reversible tag for logs (never log the value itself)."""
    return hashlib.sha256(value.encode()).hexdigest()[:8]
