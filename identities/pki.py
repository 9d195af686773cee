"""Reading the public keys and certificates users upload: SSH public keys, X.509 certificates and private keys.

Parsing is ``cryptography``'s; this module only decides what IAM accepts and says why not in AWS's error codes:
SSH keys are RSA of at least 2048 bits in OpenSSH (``ssh-rsa AAAA…``) or PEM (``BEGIN PUBLIC KEY``) encoding;
certificates and keys are PEM. Nothing here touches the database.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from iamconsole.errors import (
    InvalidCertificate,
    InvalidPublicKey,
    KeyPairMismatch,
    MalformedCertificate,
    UnrecognizedPublicKeyEncoding,
)

#: "The minimum bit-length of the public key is 2048 bits" (UploadSSHPublicKey).
SSH_KEY_MIN_BITS = 2048
UNRECOGNIZED_ENCODING = "The public key encoding format is unsupported or unrecognized."
INVALID_PUBLIC_KEY = "The public key is malformed or otherwise invalid: RSA keys of at least 2048 bits are accepted."
MALFORMED_CERTIFICATE = "Unable to parse certificate. Please ensure the certificate is in PEM format."
MALFORMED_CHAIN = "Unable to parse certificate chain. Please ensure the chain is PEM-encoded certificates."
MALFORMED_PRIVATE_KEY = (
    "Unable to parse private key. Please ensure the key is an unencrypted PEM-encoded RSA or EC key."
)
KEY_PAIR_MISMATCH = "The public key certificate and the private key do not match."


@dataclass(frozen=True, slots=True)
class SSHKey:
    """An accepted SSH public key: its OpenSSH form, its PEM form and its MD5 fingerprint."""

    openssh: str
    pem: str
    fingerprint: str


def _md5_fingerprint(openssh: str) -> str:
    blob = base64.b64decode(openssh.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def read_ssh_public_key(body: str) -> SSHKey:
    """Accept an RSA public key in OpenSSH or PEM encoding (``UnrecognizedPublicKeyEncoding`` otherwise,
    ``InvalidPublicKey`` under 2048 bits)."""
    text = body.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_ssh_public_key(text.encode())
    except (ValueError, UnsupportedAlgorithm, IndexError):
        raise UnrecognizedPublicKeyEncoding(UNRECOGNIZED_ENCODING, field="ssh_public_key_body") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise UnrecognizedPublicKeyEncoding(UNRECOGNIZED_ENCODING, field="ssh_public_key_body")
    if key.key_size < SSH_KEY_MIN_BITS:
        raise InvalidPublicKey(INVALID_PUBLIC_KEY, field="ssh_public_key_body")
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return SSHKey(openssh=openssh, pem=pem, fingerprint=_md5_fingerprint(openssh))


def ssh_key_as_pem(openssh: str) -> str:
    """A stored OpenSSH key in PEM (SubjectPublicKeyInfo) encoding, as GetSSHPublicKey's ``Encoding=PEM`` returns."""
    key = serialization.load_ssh_public_key(openssh.encode())
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True, slots=True)
class Certificate:
    """A parsed X.509 certificate: the text as uploaded, the SHA-256 of its DER form and its validity."""

    pem: str
    fingerprint: str
    not_before: datetime
    not_after: datetime
    public_key_der: bytes


def read_certificate(body: str, *, field: str = "certificate_body") -> Certificate:
    """One PEM certificate (``MalformedCertificate`` when it is not one)."""
    try:
        certificate = x509.load_pem_x509_certificate(body.strip().encode())
        public_key_der = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, UnsupportedAlgorithm):
        raise MalformedCertificate(MALFORMED_CERTIFICATE, field=field) from None
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Certificate(
        pem=body.strip(),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        public_key_der=public_key_der,
    )


def check_currently_valid(certificate: Certificate, now: datetime) -> None:
    """``InvalidCertificate`` for a certificate outside its validity period (signing certificates)."""
    if now > certificate.not_after:
        raise InvalidCertificate("The certificate has expired.", field="certificate_body")
    if now < certificate.not_before:
        raise InvalidCertificate("The certificate is not valid yet.", field="certificate_body")


def read_chain(chain: str) -> str:
    """A PEM chain of one or more certificates, returned stripped (``MalformedCertificate`` otherwise)."""
    try:
        certificates = x509.load_pem_x509_certificates(chain.strip().encode())
    except ValueError:
        raise MalformedCertificate(MALFORMED_CHAIN, field="certificate_chain") from None
    if not certificates:
        raise MalformedCertificate(MALFORMED_CHAIN, field="certificate_chain")
    return chain.strip()


def check_key_pair(certificate: Certificate, private_key: str) -> str:
    """The private key, stripped, when it is an unencrypted RSA or EC key matching the certificate's public key
    (``MalformedCertificate`` when it cannot be read, ``KeyPairMismatch`` when it is another key)."""
    try:
        key = serialization.load_pem_private_key(private_key.strip().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise MalformedCertificate(MALFORMED_PRIVATE_KEY, field="private_key") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise MalformedCertificate(MALFORMED_PRIVATE_KEY, field="private_key")
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public_der != certificate.public_key_der:
        raise KeyPairMismatch(KEY_PAIR_MISMATCH, field="private_key")
    return private_key.strip()
