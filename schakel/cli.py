"""The `schakel` console script: Django's management commands with our settings.

`schakel register import FILE` and similar two-word commands map to the
management command `register` with a sub-command, so the CLI reads like the
business areas it serves.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "schakel"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
