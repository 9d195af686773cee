"""Keys and certificates made on the spot for the tests (RSA keys cached: generating one takes a while)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def rsa_key(index: int = 0, bits: int = 2048) -> rsa.RSAPrivateKey:
    """The ``index``-th test key of that size (the same one every time in a test run)."""
    return _rsa_key(index, bits)


@cache
def _rsa_key(index: int, bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def ssh_public_key(index: int = 0, bits: int = 2048, comment: str = "dev@laptop") -> str:
    body = (
        rsa_key(index, bits)
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return f"{body} {comment}"


def pem_public_key(index: int = 0) -> str:
    return (
        rsa_key(index)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def private_key_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def certificate(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    *,
    common_name: str = "example.com",
    days: int = 365,
    start: datetime | None = None,
    issuer_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
    issuer_name: str | None = None,
) -> str:
    """A PEM certificate for ``key``, self-signed unless an issuer is given."""
    begin = start or datetime.now(UTC) - timedelta(days=1)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name or common_name)])
    built = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(begin)
        .not_valid_after(begin + timedelta(days=days))
        .sign(issuer_key or key, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.PEM).decode()
