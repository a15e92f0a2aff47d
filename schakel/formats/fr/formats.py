"""French as written in Belgium: 3 mars 2025, 03/03/2025 14:05, 1.234,56."""

from schakel.formats.belgium import *  # noqa: F403
