"""Text helpers shared by search and import."""

import unicodedata


def fold(text: str) -> str:
    """Lowercase and strip accents, so 'Ieper', 'IEPER' and 'iéper' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
