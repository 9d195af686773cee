"""Benchmark: what SigV4 authentication costs the Query API per request.

Workload: a ListUsers request signed by botocore exactly as boto3 sends it (form body, content-type, host,
x-amz-date, x-amz-security-token), verified 20,000 times.

- ours, warm: ``iamconsole.awsquery.sigv4`` parse + clock check + signed-header check + verify, the signing key
  taken from the per-(secret, date, region, service) cache, as every request after a key's first of the day;
- ours, cold: the same with the cache cleared before each request (four more HMACs);
- peer, re-sign with botocore: the naive verifier (moto's IAM auth check works this way) that rebuilds an
  ``AWSRequest`` and signs it again with ``SigV4Auth.add_auth``, deriving the key every time;
- peer, botocore client-side signing alone, for scale.

The key lookup (one indexed query and a Fernet decryption) is not part of this figure: it is the database's
cost, measured by the contract tests' end-to-end timings. Run: ``.venv/bin/python benchmarks/bench_sigv4.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iamconsole.awsquery import sigv4

N = 20_000
KEY, SECRET, TOKEN = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE"
BODY = b"Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision_abc%2F&MaxItems=100"


def signed_request(
    key: str = KEY, secret: str = SECRET, token: str | None = TOKEN, body: bytes = BODY
) -> sigv4.ReceivedRequest:
    """A Query API request signed by botocore, as the server receives it."""
    request = AWSRequest(
        method="POST",
        url="http://127.0.0.1:8000/aws",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret, token), "iam", "us-east-1").add_auth(request)
    headers = {name.lower(): str(value) for name, value in request.headers.items()}
    headers["host"] = "127.0.0.1:8000"
    return sigv4.ReceivedRequest(method="POST", path="/aws", query="", headers=headers, body=body)


def ours(request: sigv4.ReceivedRequest, *, cold: bool) -> Callable[[], None]:
    def run() -> None:
        if cold:
            sigv4.signing_key.cache_clear()
        auth = sigv4.parse_authorization(request)
        sigv4.check_request_time(auth, datetime.now(UTC))
        sigv4.check_signed_headers(request, auth)
        sigv4.verify(request, auth, SECRET)

    return run


def resign_with_botocore(request: sigv4.ReceivedRequest) -> Callable[[], None]:
    def run() -> None:
        auth = sigv4.parse_authorization(request)
        again = AWSRequest(
            method="POST",
            url="http://127.0.0.1:8000/aws",
            data=request.body,
            headers={"Content-Type": request.headers["content-type"]},
        )
        signer = SigV4Auth(Credentials(KEY, SECRET, TOKEN), auth.service, auth.region)
        again.context["timestamp"] = auth.amz_date
        again.headers["X-Amz-Date"] = auth.amz_date  # as add_auth sets them, at the request's own time
        again.headers["X-Amz-Security-Token"] = TOKEN
        expected = signer.signature(signer.string_to_sign(again, signer.canonical_request(again)), again)
        if expected != auth.signature:
            raise AssertionError("the peer verifier disagrees")

    return run


def client_signing() -> Callable[[], None]:
    credentials = Credentials(KEY, SECRET, TOKEN)

    def run() -> None:
        request = AWSRequest(
            method="POST",
            url="http://127.0.0.1:8000/aws",
            data=BODY,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        SigV4Auth(credentials, "iam", "us-east-1").add_auth(request)

    return run


def measure(name: str, run: Callable[[], None]) -> float:
    for _ in range(500):
        run()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(N // 5):
            run()
        rounds.append((time.perf_counter() - start) / (N // 5))
    per_request = statistics.median(rounds) * 1e6
    print(f"{name:<44} {per_request:8.1f} µs/request  {1e6 / per_request:10,.0f} requests/s")
    return per_request


def main() -> None:
    request = signed_request()
    print(f"SigV4 verification of a boto3-style IAM request, median of 5 rounds of {N // 5:,}")
    warm = measure("ours, warm signing-key cache", ours(request, cold=False))
    measure("ours, cold (key derived every time)", ours(request, cold=True))
    measure("peer: re-sign with botocore SigV4Auth", resign_with_botocore(request))
    measure("peer: botocore client-side signing only", client_signing())
    verdict = "well under" if warm < 500 else "NOT under"
    print(f"authentication adds {warm:.0f} µs per request: {verdict} a millisecond")


if __name__ == "__main__":
    main()
