"""The OpenAPI schema at /api/schema/: every resource of the REST API, SigV4 as its security scheme, request and
response bodies read from botocore's shapes (snake_case), the error body on every operation, If-Match on writes."""

from __future__ import annotations

import pytest

from tests.api_client import Api


@pytest.fixture
def schema(live_server):
    status, body, _ = Api(live_server.url).get("/api/schema/?format=json")
    assert status == 200
    return body


def test_every_resource_is_described(schema):
    expected = {
        "/api/v1/account/alias/",
        "/api/v1/account/password-policy/",
        "/api/v1/account/summary/",
        "/api/v1/users/{user_name}/access-keys/",
        "/api/v1/users/{user_name}/login-profile/",
        "/api/v1/users/{user_name}/mfa-devices/",
        "/api/v1/users/{user_name}/inline-policies/{policy_name}/",
        "/api/v1/groups/{group_name}/users/",
        "/api/v1/roles/{role_name}/trust-policy/",
        "/api/v1/roles/{role_name}/sessions/",
        "/api/v1/roles/{role_name}/instance-profiles/",
        "/api/v1/policies/{policy_id}/versions/",
        "/api/v1/policies/{policy_id}/entities/",
        "/api/v1/policies/validate/",
        "/api/v1/simulate/custom/",
        "/api/v1/simulate/principal/",
        "/api/v1/instance-profiles/",
        "/api/v1/service-linked-roles/",
        "/api/v1/identity-providers/saml/",
        "/api/v1/identity-providers/oidc/",
        "/api/v1/credential-report/",
        "/api/v1/sts/assume-role/",
        "/api/v1/sts/session-token/",
        "/api/v1/sts/caller-identity/",
        "/api/v1/sts/assume-role-with-web-identity/",
        "/api/v1/sts/assume-role-with-saml/",
        "/api/v1/simulate/custom/context-keys/",
        "/api/v1/simulate/principal/context-keys/",
        "/api/v1/mfa-devices/{serial_number}/tags/",
        "/api/v1/account/authorization-details/",
        "/api/v1/account/outbound-web-identity-federation/",
        "/api/v1/sts/web-identity-token/",
        "/api/v1/sts/scoped-credentials/",
        "/api/v1/sts/assume-root/",
        "/api/v1/sts/delegated-access-token/",
    }
    assert expected <= set(schema["paths"])
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"CreateRole", "ListRoles", "GetRoleTrustPolicy", "UpdateAssumeRolePolicy", "AssumeRole"} <= set(ids)


def test_sigv4_is_the_security_scheme(schema):
    sigv4 = schema["components"]["securitySchemes"]["sigv4"]
    assert (sigv4["type"], sigv4["in"], sigv4["name"]) == ("apiKey", "header", "Authorization")
    create = schema["paths"]["/api/v1/roles/"]["post"]
    assert {"sigv4": []} in create["security"]


def test_bodies_are_botocore_shapes_in_snake_case(schema):
    create = schema["paths"]["/api/v1/roles/"]["post"]
    request = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][request]
    assert {"role_name", "assume_role_policy_document"} <= set(fields["required"])
    assert fields["properties"]["max_session_duration"]["minimum"] == 3600
    role = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"role_name", "role_id", "arn", "create_date"} <= set(role["required"])
    listed = schema["paths"]["/api/v1/roles/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["required"] == ["results", "next", "previous"]
    assert listed["properties"]["results"]["type"] == "array"
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/roles/"]["get"]["parameters"]}
    assert parameters == {"cursor", "page_size", "path_prefix"}


def test_errors_and_preconditions_are_described(schema):
    put = schema["paths"]["/api/v1/roles/{role_name}/trust-policy/"]["put"]
    error = put["responses"]["404"]["content"]["application/json"]["schema"]
    assert error["required"] == ["code", "message", "field"]
    assert "412" in put["responses"]
    assert "If-Match" in {parameter["name"] for parameter in put["parameters"]}
    assert {"403", "404"} <= set(schema["paths"]["/api/v1/users/{user_name}/tags/"]["get"]["responses"])


def test_iamconsole_own_operations_have_exact_schemas(schema):
    sessions = schema["paths"]["/api/v1/roles/{role_name}/sessions/"]["get"]["responses"]["200"]
    rows = sessions["content"]["application/json"]["schema"]["properties"]["results"]
    assert rows["type"] == "array"
    assert "access_key_id" in rows["items"]["required"]
    assert "secret_access_key" not in rows["items"]["properties"]


def _body(schema, path):
    post = schema["paths"][path]["post"]
    name = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name], post


def test_the_sts_token_endpoints_describe_their_bodies_and_errors(schema):
    request, token = _body(schema, "/api/v1/sts/web-identity-token/")
    assert set(request["required"]) == {"audience", "signing_algorithm"}
    assert (
        request["properties"]["duration_seconds"]["minimum"],
        request["properties"]["duration_seconds"]["maximum"],
    ) == (
        60,
        3600,
    )
    answer = token["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(answer["properties"]) == {"web_identity_token", "expiration"}
    # The operation's own errors, from botocore's model, under the status they are answered with.
    assert "OutboundWebIdentityFederationDisabledException" in token["responses"]["403"]["description"]
    assert "JWTPayloadSizeExceededException" in token["responses"]["400"]["description"]
    request, scoped = _body(schema, "/api/v1/sts/scoped-credentials/")
    assert {"policy", "duration_seconds"} <= set(request["properties"])
    credentials = scoped["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["credentials"]
    assert {"access_key_id", "secret_access_key", "session_token", "expiration"} <= set(credentials["required"])
    assert "InvalidSubjectCredentials" in scoped["responses"]["400"]["description"]
    request, root = _body(schema, "/api/v1/sts/assume-root/")
    assert set(request["required"]) == {"target_principal", "task_policy_arn"}
    assert request["properties"]["duration_seconds"]["maximum"] == 900
    assert "OrganizationNotFoundException" in root["responses"]["400"]["description"]
    request, delegated = _body(schema, "/api/v1/sts/delegated-access-token/")
    assert request["required"] == ["trade_in_token"]
    assert "ExpiredTradeInTokenException" in delegated["responses"]["400"]["description"]
    setting = schema["paths"]["/api/v1/account/outbound-web-identity-federation/"]
    assert "FeatureEnabled" in setting["put"]["responses"]["409"]["description"]
    assert "FeatureDisabled" in setting["get"]["responses"]["404"]["description"]
