"""Test settings: the real settings, with a fast password hasher and a local cache."""

from iamconsole.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: hashing strength is not under test
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SQLite test databases are files (RAM-backed where /dev/shm exists), one per run, so that the Celery worker of the
# integration tests, another process, sees the same database; in-memory SQLite is private to one process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os
    import tempfile as _tempfile

    _dir = "/dev/shm" if _os.path.isdir("/dev/shm") else _tempfile.gettempdir()  # noqa: S108
    DATABASES["default"]["TEST"] = {"NAME": f"{_dir}/iamconsole-test-{_os.getpid()}.sqlite3"}  # noqa: F405
    DATABASES["attempts"]["TEST"] = {  # noqa: F405
        "NAME": sqlite_sibling(DATABASES["default"]["TEST"]["NAME"], "attempts")  # noqa: F405
    }

# The live server answers keep-alive connections from long-lived threads: each request must give its database
# connection back when it ends, or the test database cannot be dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["attempts"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Records of reads are written in the request: a test's transaction is rolled back at its end, and the batch writer's
# own connection cannot see the rows (the account) a test made in it. tests/accounts/test_audit_batch.py turns it on.
IAM_AUDIT_READ_BATCH = 0
