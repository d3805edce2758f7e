"""X.509 material for the electronic seal: key generation, certificates, key encryption.

ECDSA P-256 with SHA-256, not SM2/SM3: pyHanko's validator and poppler's pdfsig (NSS)
cannot verify SM2 signatures today. SM2 is also a 256-bit curve, so swapping the curve
later does not change key sizes or field lengths (docs/adr/0002-seal-algorithm.md).

Private keys leave this module only as encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256
and AES-256-CBC). The passphrase is ``ZHENGWU_SEAL_KEY_PASSPHRASE`` or, for the demo,
derived from SECRET_KEY through HKDF, so a database dump alone never yields a key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_VALIDITY_YEARS = 10
UNIT_VALIDITY_YEARS = 3
# Issue slightly in the past so a verifier whose clock lags a little still accepts it.
BACKDATE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: x509.Certificate
    certificate_pem: str
    encrypted_key_pem: str

    @property
    def serial_hex(self) -> str:
        return format(self.certificate.serial_number, "x")

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


def key_passphrase() -> bytes:
    """Return the passphrase that encrypts seal keys at rest."""
    configured = getattr(settings, "ZHENGWU_SEAL_KEY_PASSPHRASE", "")
    if configured:
        return configured.encode()
    # Demo default: a separate key derived from SECRET_KEY (production sets its own
    # SECRET_KEY, so the demo passphrase never protects a real seal).
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"zhengwu", info=b"seal-key-passphrase").derive(
        settings.SECRET_KEY.encode()
    )
    return derived.hex().encode()


def encrypt_private_key(key: ec.EllipticCurvePrivateKey) -> str:
    # BestAvailableEncryption for PKCS#8 is PBES2 (PBKDF2-HMAC-SHA256 + AES-256-CBC);
    # OpenSSL and every HSM import tool read it.
    encryption = serialization.BestAvailableEncryption(key_passphrase())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def decrypt_private_key(encrypted_key_pem: str) -> ec.EllipticCurvePrivateKey:
    return serialization.load_pem_private_key(encrypted_key_pem.encode(), password=key_passphrase())


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _name(*, common_name: str, organization: str, locality: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    attributes += [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    return x509.Name(attributes)


def ca_build(*, county_name: str, now: dt.datetime) -> IssuedCertificate:
    """Create a self-signed county root CA that may sign end-entity certificates only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name=f"{county_name}电子印章根证书", organization=county_name)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(_add_years(now, CA_VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return IssuedCertificate(
        certificate=certificate,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key_pem=encrypt_private_key(key),
    )


def unit_certificate_build(
    *, ca_certificate_pem: str, ca_encrypted_key_pem: str, unit_code: str, unit_name: str,
    county_name: str, now: dt.datetime,
) -> IssuedCertificate:
    """Issue a department seal certificate (digitalSignature + nonRepudiation, 3 years)."""
    ca_certificate = x509.load_pem_x509_certificate(ca_certificate_pem.encode())
    ca_key = decrypt_private_key(ca_encrypted_key_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    public_key = key.public_key()
    # The seal's holder is the department itself: its name is both CN and O, and the
    # unit code travels in serialNumber so a verifier can tell two same-named units apart.
    subject = x509.Name(
        list(_name(common_name=unit_name, organization=unit_name, locality=county_name))
        + [x509.NameAttribute(NameOID.SERIAL_NUMBER, unit_code)]
    )
    not_after = min(_add_years(now, UNIT_VALIDITY_YEARS), ca_certificate.not_valid_after_utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_certificate.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return IssuedCertificate(
        certificate=certificate,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key_pem=encrypt_private_key(key),
    )


def certificate_fingerprint(pem: str) -> str:
    """SHA-256 of the DER certificate, as the colon-separated hex that viewers display."""
    digest = x509.load_pem_x509_certificate(pem.encode()).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def certificate_der(pem: str) -> bytes:
    return x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
