#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agepartners.settings")
    from django.core.management import execute_from_command_line

    from agepartners.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:  # a bad environment variable: one clear line, no traceback
        sys.exit(f"agepartners: configuration error: {exc}")
