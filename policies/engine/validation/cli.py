"""``python -m policies.engine validate FILE [--type T] [--format text|json]``.

Prints the findings of :func:`policies.engine.validation.validate_policy` like a compiler
(``FILE:LINE:COLUMN: TYPE CODE message``) or as a JSON list. Exit status: 1 when a finding is
an ``ERROR`` (IAM would refuse the policy), 0 otherwise, 2 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["cli_main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m policies.engine validate",
        description="Validate an IAM policy document with IAM Access Analyzer's checks.",
    )
    parser.add_argument("file", help="policy document (JSON); '-' reads standard input")
    parser.add_argument(
        "--type",
        dest="policy_type",
        default="identity",
        choices=("identity", "resource", "trust", "boundary", "session"),
        help="policy type (default: identity)",
    )
    parser.add_argument("--format", dest="output_format", default="text", choices=("text", "json"))
    return parser


def cli_main(argv: list[str]) -> int:
    """Run the ``validate`` command on ``argv`` (the arguments after ``validate``); return the exit status."""
    from policies.engine.validation import has_errors, validate_policy

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.file}: cannot read: {error}", file=sys.stderr)
        return 2
    findings = validate_policy(text, args.policy_type)
    if args.output_format == "json":
        json.dump([f.to_dict() for f in findings], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for f in findings:
            print(f"{args.file}:{f.line}:{f.column}: {f.type} {f.code} {f.message}")
    return 1 if has_errors(findings) else 0
