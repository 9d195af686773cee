"""Console pages of the Users area beyond the list: user detail and its tabs, the create wizard, bulk delete, and
the principal's own security credentials. Face modules: they reach the catalogue only through ``iamconsole.console``."""
