"""Results of the identities operations shaped as botocore's IAM output shapes (PascalCase members).

One module per entity, each with an ``OUTPUTS`` table; one ``*_shape`` function per AWS structure, reused by the
Get, Create and List outputs that contain it. The Query API face reads the merged ``OUTPUTS``.
"""

from collections.abc import Callable
from typing import Any

from iamconsole.packages import submodules

#: Each entity module's ``OUTPUTS`` (``common`` holds shared shapers and has none).
OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    name: shaper for module in submodules(__name__) for name, shaper in getattr(module, "OUTPUTS", {}).items()
}
