"""Faces go through ``operations.run``: none imports a service, selector or model directly.

Every face module (console views, REST API modules, the AWS Query face, Celery tasks, management commands) is parsed
with ``ast``; an import of an app's ``services``, ``selectors`` or ``models`` (or of the authorizer, beyond
``is_allowed``) fails the test. The checker is shown to fail on planted violations, and import-linter's layer
contracts are run too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "identities", "policies", "sts")
LAYERS = ("services", "selectors", "models")
FACE_GLOBS = (
    "*/views.py",
    "*/views/*.py",
    "*/pages/*.py",
    "*/*_views.py",
    "*/api/*.py",
    "*/api/**/*.py",
    "iamconsole/awsquery/*.py",
    "iamconsole/restapi/*.py",
    "iamconsole/console.py",
    "iamconsole/web.py",
    "iamconsole/middleware.py",
    "*/tasks.py",
    "*/management/commands/*.py",
    # Console forms are faces too: shape checks only, never a service, selector or model.
    "*/forms.py",
    "*/*_forms.py",
)


def _forbidden(module: str) -> bool:
    parts = module.split(".")
    if parts[0] in APPS and any(part in LAYERS for part in parts[1:]):
        return True
    return module == "iamconsole.authorization"


def violations(source: str, filename: str = "<face>") -> list[str]:
    """The forbidden imports of a face module's source, as ``line: module``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: {alias.name}" for alias in node.names if _forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "iamconsole.authorization":
                # is_allowed (enabled and disabled buttons) is the one name a face may take from the authorizer.
                found += [f"{node.lineno}: {node.module}.{a.name}" for a in node.names if a.name != "is_allowed"]
                continue
            if _forbidden(node.module):
                found.append(f"{node.lineno}: {node.module}")
                continue
            found += [
                f"{node.lineno}: {node.module}.{alias.name}"
                for alias in node.names
                if _forbidden(f"{node.module}.{alias.name}")
            ]
    return found


def face_modules() -> list[Path]:
    paths = {path for pattern in FACE_GLOBS for path in ROOT.glob(pattern) if ".venv" not in path.parts}
    return sorted(paths)


def test_face_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in face_modules()}
    assert "accounts/views.py" in names
    assert "accounts/management/commands/createaccount.py" in names
    assert {"identities/views.py", "identities/api/views.py", "iamconsole/restapi/authentication.py"} <= names
    assert {"identities/pages/user_detail.py", "identities/pages/credentials.py"} <= names
    assert {"iamconsole/console.py", "iamconsole/web.py"} <= names


@pytest.mark.parametrize("path", face_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_faces_import_no_service_selector_or_model(path):
    assert violations(path.read_text(), str(path)) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from identities import services", ["1: identities.services"]),
        ("from identities.selectors import get_user", ["1: identities.selectors"]),
        ("import accounts.models", ["1: accounts.models"]),
        ("from sts.services.sessions import assume_role", ["1: sts.services.sessions"]),
        ("def view():\n    from policies.models import ManagedPolicy", ["2: policies.models"]),
        ("from iamconsole import authorization", ["1: iamconsole.authorization"]),
        ("from iamconsole.authorization import authorize, is_allowed", ["1: iamconsole.authorization.authorize"]),
    ],
)
def test_checker_catches_planted_violations(source, expected):
    assert violations(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "from iamconsole import authentication, operations",
        "from iamconsole.authorization import is_allowed",
        "from iamconsole.errors import IamError\nfrom iamconsole.actors import Actor",
        "from identities.awsapi import OUTPUTS\nfrom accounts.forms import RootSignInForm",
    ],
)
def test_checker_allows_the_permitted_imports(source):
    assert violations(source) == []


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
