"""AWS's input rules on the Query API, as an SDK meets them: well-formed XML whatever the input echoed, UTF-8
throughout, ASCII name patterns, the policy character range, the trust-policy grammar, and response fields as real
IAM answers them."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError

from tests.awsquery.conftest import ClientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return dict(caught.value.response["Error"])


# --- error responses stay well-formed XML --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\x00b", "a\x01b\x1fc", "a\x0bb", "x\ufffey\uffff", "a<b>&c]]>"])
def test_echoed_input_never_breaks_the_error_document(client: ClientFactory, raw: Any, name: str) -> None:
    error = error_of(client("iam", validate=False).get_user, UserName=name)
    assert error["Code"] == "ValidationError"
    assert "failed to satisfy constraint: Member must satisfy regular expression pattern" in error["Message"]
    # The raw document parses with a strict XML parser too, not only with botocore's lenient one.
    response = raw({"Action": "GetUser", "Version": "2010-05-08", "UserName": _percent(name)})
    assert response.status == 400
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own server's response)
    message = root.findtext("{*}Error/{*}Message") or ""
    printable = "".join(ch if ch in "<>&]" or ch.isprintable() else "\ufffd" for ch in name)
    assert f"Value '{printable}' at 'userName'" in message


def test_carriage_returns_survive_the_round_trip(iam: Any) -> None:
    iam.create_role(RoleName="crlf", AssumeRolePolicyDocument=TRUST, Description="line one\r\nline two\rthree")
    assert iam.get_role(RoleName="crlf")["Role"]["Description"] == "line one\r\nline two\rthree"


def _percent(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
