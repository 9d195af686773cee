"""Temporary credentials (the STS app fills this in)."""
