"""Real identity providers for the federation tests, made in the test.

- :class:`OidcIssuer`: an RSA and an EC key pair, and an https server on 127.0.0.1 (its certificate signed by a CA of
  its own, made here) serving ``/.well-known/openid-configuration`` and the JWKS; it mints tokens with PyJWT.
- :class:`SamlIdp`: a key pair and a self-signed certificate; it writes its metadata and signs SAML responses with
  signxml, as a real IdP would.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.signer import XMLSigner

AWS_SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool, sans: list[x509.GeneralName] | None = None
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class OidcIssuer:
    """An OpenID Connect issuer on ``https://localhost:PORT/PATH`` with its own CA."""

    def __init__(self, directory: Path, path: str = "/gh") -> None:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("iamconsole test CA", ca_key, "iamconsole test CA", ca_key, ca=True)
        server_key = ec.generate_private_key(ec.SECP256R1())
        sans: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
        server = _certificate("localhost", server_key, "iamconsole test CA", ca_key, ca=False, sans=sans)
        self.ca_bundle = directory / "issuer-ca.pem"
        self.ca_bundle.write_bytes(_pem(ca))
        (directory / "server.pem").write_bytes(_pem(server) + _key_pem(server_key))
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.rsa_kid = "rsa-1"
        self.requests: list[str] = []
        self.path = path
        self.serve_keys = True
        #: Where the JWKS request is redirected instead of answered (None: answered).
        self.redirect_keys_to: str | None = None
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests.append(self.path)
                if self.path == f"{issuer.path}/.well-known/openid-configuration":
                    body: Any = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks"}
                elif self.path == f"{issuer.path}/jwks" and issuer.redirect_keys_to:
                    self.send_response(302)
                    self.send_header("Location", issuer.redirect_keys_to)
                    self.end_headers()
                    return
                elif self.path == f"{issuer.path}/jwks" and issuer.serve_keys:
                    body = issuer.jwks()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / "server.pem")
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}{self.path}"

    @property
    def host_path(self) -> str:
        """The provider's URL as IAM keeps it, the prefix of its condition keys."""
        return f"localhost:{self.port}{self.path}"

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa_key.public_key()))
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec_key.public_key()))
        return {
            "keys": [
                {**rsa_jwk, "kid": self.rsa_kid, "use": "sig", "alg": "RS256"},
                {**ec_jwk, "kid": "ec-1", "use": "sig", "alg": "ES256"},
            ]
        }

    def token(
        self,
        *,
        sub: str = "repo:octo-org/octo-repo:ref:refs/heads/main",
        aud: str | list[str] = "sts.amazonaws.com",
        alg: str = "RS256",
        lifetime: timedelta = timedelta(minutes=5),
        issued: datetime | None = None,
        key: Any = None,
        **claims: Any,
    ) -> str:
        issued = issued or datetime.now(UTC)
        payload = {
            "iss": self.url,
            "sub": sub,
            "aud": aud,
            "iat": int(issued.timestamp()),
            "nbf": int(issued.timestamp()),
            "exp": int((issued + lifetime).timestamp()),
            **claims,
        }
        if key is None:
            key = self.ec_key if alg.startswith("ES") else self.rsa_key
        kid = "ec-1" if alg.startswith("ES") else self.rsa_kid
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})

    def rotate(self) -> None:
        """A new RSA signing key under a new key id, as issuers rotate them."""
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_kid = f"rsa-{uuid.uuid4().hex[:8]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unsigned_token(claims: dict[str, Any]) -> str:
    """A JWT with ``alg: none`` (no signature), as an attacker would send it."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"


class SamlIdp:
    """A SAML 2.0 IdP: a key pair, a self-signed certificate, metadata, and signed responses."""

    def __init__(self, entity_id: str = "https://idp.example.test/saml") -> None:
        self.entity_id = entity_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = _certificate("idp.example.test", self.key, "idp.example.test", self.key, ca=True)

    @property
    def certificate_b64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self) -> str:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{self.certificate_b64}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{self.entity_id}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""

    def response_xml(
        self,
        roles: list[tuple[str, str]],
        *,
        session_name: str | None = "alice@example.test",
        subject: str = "alice-0001",
        audience: str = AWS_SAML_AUDIENCE,
        recipient: str = AWS_SAML_AUDIENCE,
        issued: datetime | None = None,
        lifetime: timedelta = timedelta(minutes=5),
        extra_attributes: dict[str, list[str]] | None = None,
    ) -> bytes:
        issued = issued or datetime.now(UTC)

        def stamp(moment: datetime) -> str:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

        attributes: dict[str, list[str]] = {ATTRIBUTES + "Role": [f"{role},{provider}" for role, provider in roles]}
        if session_name is not None:
            attributes[ATTRIBUTES + "RoleSessionName"] = [session_name]
        attributes.update(extra_attributes or {})
        attribute_xml = "".join(
            f'<saml:Attribute Name="{name}">'
            + "".join(f"<saml:AttributeValue>{value}</saml:AttributeValue>" for value in values)
            + "</saml:Attribute>"
            for name, values in attributes.items()
        )
        end = issued + lifetime
        return f"""<samlp:Response xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}" ID="_{uuid.uuid4().hex}"
 Version="2.0" IssueInstant="{stamp(issued)}" Destination="{recipient}">
<saml:Issuer>{self.entity_id}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{stamp(issued)}">
<saml:Issuer>{self.entity_id}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{subject}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{stamp(end)}" Recipient="{recipient}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{stamp(issued)}" NotOnOrAfter="{stamp(end)}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{stamp(issued)}"><saml:AuthnContext>
<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>""".encode()

    def sign(
        self,
        document: bytes,
        *,
        key: Any = None,
        certificate: x509.Certificate | None = None,
        whole_response: bool = False,
    ) -> bytes:
        """The response with its Assertion signed (enveloped signature after the Assertion's Issuer), or with the
        whole Response signed instead (``whole_response``), as some IdPs do."""
        root = etree.fromstring(document)
        assertion = root if whole_response else root.find(f"{{{SAML_NS}}}Assertion")
        assert assertion is not None
        signed = XMLSigner(c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(
            assertion,
            key=key or self.key,
            cert=[certificate or self.certificate],
            reference_uri=assertion.get("ID"),
            id_attribute="ID",
        )
        if whole_response:
            root = signed
        else:
            root.replace(assertion, signed)
        # signxml appends the signature; SAML's schema wants it right after the Issuer.
        signature = signed.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
        assert signature is not None
        signed.remove(signature)
        signed.insert(1, signature)
        return etree.tostring(root)

    def response(self, roles: list[tuple[str, str]], **options: Any) -> str:
        """A signed response, base64-encoded as IdPs post it."""
        return base64.b64encode(self.sign(self.response_xml(roles, **options))).decode()
