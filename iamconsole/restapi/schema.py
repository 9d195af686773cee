"""How the OpenAPI schema describes the REST API's authentication (drf-spectacular extensions, registered on import)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SigV4Scheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """AWS Signature Version 4 in the ``Authorization`` header, for the service ``iam``."""

    target_class = "iamconsole.restapi.authentication.SigV4Authentication"
    name = "sigv4"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "AWS Signature Version 4 (AWS4-HMAC-SHA256), credential scope service `iam`, any region.",
        }


class ConsoleSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The console's session cookie (with the CSRF token on unsafe methods)."""

    target_class = "iamconsole.restapi.authentication.ConsoleSessionAuthentication"
    name = "consoleSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class UnsignedFederationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """No credentials at all: the web identity token or SAML assertion in the body names the caller."""

    target_class = "iamconsole.restapi.authentication.UnsignedFederation"
    name: list[str] = []  # no scheme of its own: the empty requirement ({}) is OpenAPI's "no credentials"

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]]:
        return {}

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return []
