"""WSGI entry point (gunicorn iamconsole.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

import iamconsole.celery  # noqa: F401  (so tasks enqueued by requests use the configured app)

application = get_wsgi_application()
