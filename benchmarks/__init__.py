"""Benchmarks, run as scripts (`make bench`); a package so that they can share `throwaway_db`."""
