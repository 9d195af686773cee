"""`python -m policies.engine`: offline policy tools for people who test policies in their own CI.

`simulate FILE` reads one SimulateCustomPolicy request (AWS's parameter names) or a JSON list of
them (`-` reads standard input) and prints a JSON list with one `{"EvaluationResults": [...]}`
response per request, in order; malformed input prints a message on stderr and exits with 2.
`validate FILE` is the policy validator's command (`policies.engine.validation.cli_main`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .errors import PolicyError
from .simulate import simulate_custom_policy

USAGE_ERROR = 2


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def simulate_main(argv: list[str]) -> int:
    """Run the `simulate` subcommand; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m policies.engine simulate",
        description="Evaluate SimulateCustomPolicy requests offline and print AWS-shaped responses.",
    )
    parser.add_argument("file", help="JSON file holding one request or a list of requests ('-' for stdin)")
    args = parser.parse_args(argv)
    try:
        requests: Any = json.loads(_read(args.file))
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return USAGE_ERROR
    except ValueError as exc:
        print(f"error: {args.file} is not valid JSON: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if isinstance(requests, dict):
        requests = [requests]
    if not isinstance(requests, list):
        print("error: expected a request object or a list of request objects", file=sys.stderr)
        return USAGE_ERROR
    responses = []
    for number, request in enumerate(requests, 1):
        try:
            response = simulate_custom_policy(request)
        except PolicyError as exc:
            print(f"error: request {number}: {exc.code}: {exc.message}", file=sys.stderr)
            return USAGE_ERROR
        responses.append({"EvaluationResults": response["EvaluationResults"]})
    try:
        sys.stdout.write(json.dumps(responses, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) went away. As the Python docs advise, point stdout at devnull so
        # the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Dispatch `simulate` and `validate`."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help") or args[0] not in ("simulate", "validate"):
        print(
            "usage: python -m policies.engine {simulate,validate} ...\n"
            "  simulate FILE   evaluate SimulateCustomPolicy requests, print AWS-shaped JSON\n"
            "  validate FILE   check a policy document (see --help of the subcommand)",
            file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout,
        )
        return 0 if args and args[0] in ("-h", "--help") else USAGE_ERROR
    if args[0] == "validate":
        # Imported lazily: the validator is a separate module with its own dependencies.
        from .validation import cli_main  # type: ignore[import-not-found,attr-defined,unused-ignore]

        return int(cli_main(args[1:]))
    return simulate_main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
