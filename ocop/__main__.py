"""The one console command: `ocop migrate`, `ocop demo`, `ocop import FILE.xlsx`, … (all of Django's too)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ocop", *sys.argv[1:]])


if __name__ == "__main__":
    main()
