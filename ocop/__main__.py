"""The one console command: `ocop migrate`, `ocop demo`, `ocop import FILE.xlsx`, … (all of Django's too)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    from ocop.core.cli import run

    run(["ocop", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
