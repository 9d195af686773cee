"""Test settings: the real settings, with a fast password hasher and a local cache."""

from iamconsole.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: hashing strength is not under test
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
