"""English for Belgian users: 3 March 2025, 03/03/2025 14:05, and Belgian
numbers (1.234,56), so figures read the same in every language of the platform."""

from schakel.formats.belgium import *  # noqa: F403
