"""Print, or write into README.md, the list of supported AWS operations, compared with botocore's models.

python scripts/supported_operations.py           # print the Markdown section
python scripts/supported_operations.py --write   # replace the section in README.md
python scripts/supported_operations.py --check   # exit 1 when README.md is out of date (used by the tests)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- supported-operations:start -->"
END = "<!-- supported-operations:end -->"


def section() -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
    import botocore.session
    import django

    django.setup()
    from iamconsole.operations import operations

    table = operations()
    session = botocore.session.get_session()
    lines = [START, ""]
    for service, title in (("iam", "IAM"), ("sts", "STS")):
        model_names = sorted(session.get_service_model(service).operation_names)
        ours = sorted(name for name, op in table.items() if op.service == service and name in model_names)
        lines.append(f"**{title}: {len(ours)} of the {len(model_names)} operations in botocore's model.**")
        lines.append("")
        lines.append(", ".join(f"`{name}`" for name in ours) or "(none)")
        lines.append("")
    models = {service: set(session.get_service_model(service).operation_names) for service in ("iam", "sts")}
    own = sorted(name for name, op in table.items() if name not in models.get(op.service, set()))
    lines.append(
        f"**iamconsole's own operations ({len(own)}), for the console and REST API:** "
        + ", ".join(f"`{name}`" for name in own)
    )
    lines.extend(["", END])
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = section()
    readme = ROOT / "README.md"
    current = readme.read_text()
    if START not in current or END not in current:
        print("README.md has no supported-operations markers", file=sys.stderr)
        return 1
    head, rest = current.split(START, 1)
    _, tail = rest.split(END, 1)
    updated = head + text + tail
    if "--check" in argv:
        if updated != current:
            print(
                "README.md's supported operations are out of date: run scripts/supported_operations.py --write",
                file=sys.stderr,
            )
            return 1
        return 0
    if "--write" in argv:
        readme.write_text(updated)
        return 0
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
