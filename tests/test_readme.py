"""The README's list of supported operations is generated from the operation tables: it must stay current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_supported_operations_in_readme_match_the_operation_tables():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "supported_operations.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.index("## Quick start")
    assert readme.index("make run") > quick_start
    assert readme.index("make test") > quick_start
