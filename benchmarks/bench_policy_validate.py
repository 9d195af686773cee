"""Benchmark: validating a typical 3 KB identity policy (target: under 5 ms per call).

Prints the median and 95th percentile of ``validate_policy`` on a warm catalogue (the console
validates as someone types), the one-off cost of loading the catalogue, and, for scale, the
standard library's ``json.loads`` and our positional parse of the same text.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere, as make bench does

from policies.engine.catalog import get_catalog
from policies.engine.locjson import parse
from policies.engine.validation import validate_policy

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadData",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": ["arn:aws:s3:::analytics-data", "arn:aws:s3:::analytics-data/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        },
        {
            "Sid": "WriteResults",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
            "Resource": "arn:aws:s3:::analytics-results/${aws:username}/*",
            "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        },
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/Jobs",
        },
        {
            "Sid": "Queues",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs-*",
        },
        {
            "Sid": "Keys",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}},
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:Describe*"],
            "Resource": "arn:aws:logs:eu-west-1:111122223333:log-group:/analytics/*",
        },
        {
            "Sid": "PassWorkerRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "arn:aws:iam::111122223333:role/analytics-worker",
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        },
        {
            "Sid": "DenyOutsideRegions",
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "cloudfront:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}},
        },
        {
            "Sid": "RequireMfaForDeletes",
            "Effect": "Deny",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "dynamodb:DeleteItem"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ],
}
TEXT = json.dumps(POLICY, indent=2)


def measure(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 95th percentile wall time of ``function`` in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    start = time.perf_counter()
    get_catalog()
    load_ms = (time.perf_counter() - start) * 1000
    findings = validate_policy(TEXT)
    print(f"policy: {len(TEXT)} characters, {len(POLICY['Statement'])} statements, {len(findings)} findings")
    print(f"catalogue load (once per process): {load_ms:.1f} ms")
    for name, function in (
        ("validate_policy", lambda: validate_policy(TEXT)),
        ("locjson.parse (positional parse only)", lambda: parse(TEXT)),
        ("json.loads (stdlib, C, for scale)", lambda: json.loads(TEXT)),
    ):
        median, p95 = measure(function, 500)
        print(f"{name:40s} median {median:6.3f} ms   p95 {p95:6.3f} ms")
    median, _ = measure(lambda: validate_policy(TEXT), 200)
    print("target: validate_policy under 5 ms:", "met" if median < 5 else "NOT met")


if __name__ == "__main__":
    main()
