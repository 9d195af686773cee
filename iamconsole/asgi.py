"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

import iamconsole.celery  # noqa: F401

application = get_asgi_application()
