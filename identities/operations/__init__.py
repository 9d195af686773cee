"""The identities app's operations, one module per entity, merged into one table."""

from iamconsole.packages import submodules

#: Each entity module's ``OPERATIONS`` (``common`` holds shared builders and has none).
OPERATIONS = tuple(operation for module in submodules(__name__) for operation in getattr(module, "OPERATIONS", ()))
