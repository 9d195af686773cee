#!/usr/bin/env python
"""Django's command-line utility for iamconsole."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
    from django.core.management import execute_from_command_line

    import iamconsole.celery  # noqa: F401  (commands that enqueue tasks use the configured app)

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
