#!/usr/bin/env python
"""Django's command-line utility; `schakel` (schakel.cli) is the installed equivalent."""

from schakel.cli import main

if __name__ == "__main__":
    main()
