"""The modules of a package found by walking it, for the tables an app merges from one module per entity (its
operations, its AWS output shapers): a new module is picked up without a second list to keep in step."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def submodules(package: str) -> list[ModuleType]:
    """Every module directly inside ``package``, by name."""
    paths = importlib.import_module(package).__path__
    return [importlib.import_module(f"{package}.{info.name}") for info in sorted(pkgutil.iter_modules(paths))]
