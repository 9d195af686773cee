"""Fixtures shared by this folder's console tests."""

from tests.console_fixtures import nobody_client, reader_client, root_client

__all__ = ["nobody_client", "reader_client", "root_client"]
