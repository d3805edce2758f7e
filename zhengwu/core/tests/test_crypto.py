import pytest

from zhengwu.core.crypto import CryptoError, SoftwareSM4Provider

KEY_A = bytes.fromhex("00112233445566778899aabbccddeeff")
KEY_B = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def _provider(current="a"):
    return SoftwareSM4Provider(keys={"a": KEY_A, "b": KEY_B}, current_key_id=current, index_key=b"i" * 32)


def test_encrypt_round_trips_and_hides_plaintext():
    token = _provider().encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert token.startswith("sm4g1:a:")
    assert _provider().decrypt(token) == "11010519491231002X"


def test_same_plaintext_encrypts_differently_each_time():
    p = _provider()
    assert p.encrypt("13812341234") != p.encrypt("13812341234")


def test_old_key_still_decrypts_after_rotation():
    token = _provider(current="a").encrypt("地址:城关镇")
    assert _provider(current="b").decrypt(token) == "地址:城关镇"


def test_tampered_ciphertext_is_rejected():
    token = _provider().encrypt("13812341234")
    prefix, key_id, blob = token.split(":")
    flipped = blob[:-6] + ("A" if blob[-6] != "A" else "B") + blob[-5:]
    with pytest.raises(CryptoError):
        _provider().decrypt(f"{prefix}:{key_id}:{flipped}")


def test_unknown_key_id_is_rejected():
    token = _provider().encrypt("x").replace(":a:", ":zz:")
    with pytest.raises(CryptoError):
        _provider().decrypt(token)


def test_blind_index_is_stable_and_separated_by_purpose():
    p = _provider()
    assert p.blind_index("13812341234", purpose="phone") == p.blind_index("13812341234", purpose="phone")
    assert p.blind_index("13812341234", purpose="phone") != p.blind_index("13812341234", purpose="id")
    assert len(p.blind_index("x", purpose="phone")) == 64
