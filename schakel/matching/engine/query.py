"""Queries and their validation.

Validation errors are :class:`QueryError` with a stable ``code`` and the offending ``field`` so
the Django layer can translate them; the English ``message`` is for logs and the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .documents import CLUSTERS, SIZES, STAGES

MAX_QUERY_CHARS = 5000
_NIS_RE = re.compile(r"^\d{5}$")


class QueryError(ValueError):
    """A query the engine refuses; ``code`` is stable, ``field`` names the culprit."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "field", "message"}`` for APIs."""
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class QueryContext:
    """What the engine knows about the asking company; every field optional."""

    municipality_nis: str | None = None
    size: str | None = None
    stage: str | None = None
    clusters: tuple[str, ...] = ()
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Query:
    """A validated query: free text plus context."""

    text: str
    context: QueryContext = field(default_factory=QueryContext)


def _check_choice(value: Any, allowed: tuple[str, ...], name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in allowed:
        raise QueryError(
            f"invalid_{name.split('.')[-1]}",
            f"{name} must be one of {', '.join(allowed)}; got {value!r}",
            name,
        )
    return value


def parse_context(raw: Mapping[str, Any] | QueryContext | None) -> QueryContext:
    """Validate a context mapping (unknown keys are ignored, as in the catalogue format)."""
    if raw is None:
        return QueryContext()
    if isinstance(raw, QueryContext):
        raw = {
            "municipality_nis": raw.municipality_nis,
            "size": raw.size,
            "stage": raw.stage,
            "clusters": list(raw.clusters),
            "as_of": raw.as_of,
        }
    if not isinstance(raw, Mapping):
        raise QueryError("invalid_context", "context must be an object", "context")

    nis = raw.get("municipality_nis")
    if nis is not None and nis != "":
        if isinstance(nis, int):
            nis = f"{nis:05d}"
        if not isinstance(nis, str) or not _NIS_RE.match(nis):
            raise QueryError(
                "invalid_municipality_nis",
                f"context.municipality_nis must be a 5-digit REFNIS code; got {nis!r}",
                "context.municipality_nis",
            )
    else:
        nis = None

    clusters_raw = raw.get("clusters") or []
    if isinstance(clusters_raw, str):
        clusters_raw = [clusters_raw]
    if not isinstance(clusters_raw, list | tuple):
        raise QueryError("invalid_clusters", "context.clusters must be a list", "context.clusters")
    clusters = []
    for code in clusters_raw:
        if code not in CLUSTERS:
            raise QueryError(
                "invalid_clusters",
                f"context.clusters: unknown cluster {code!r}; expected {', '.join(CLUSTERS)}",
                "context.clusters",
            )
        if code not in clusters:
            clusters.append(code)

    as_of = raw.get("as_of")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    elif as_of is not None and as_of != "" and not isinstance(as_of, dt.date):
        try:
            if not isinstance(as_of, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
                raise ValueError
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise QueryError(
                "invalid_as_of",
                f"context.as_of must be a date YYYY-MM-DD; got {as_of!r}",
                "context.as_of",
            ) from None
    elif as_of == "":
        as_of = None

    return QueryContext(
        municipality_nis=nis,
        size=_check_choice(raw.get("size"), SIZES, "context.size"),
        stage=_check_choice(raw.get("stage"), STAGES, "context.stage"),
        clusters=tuple(clusters),
        as_of=as_of,
    )


def make_query(text: Any, context: Mapping[str, Any] | QueryContext | None = None) -> Query:
    """Validate text and context into a :class:`Query` (raises :class:`QueryError`)."""
    if not isinstance(text, str):
        raise QueryError("invalid_text", "text must be a string", "text")
    if not text.strip():
        raise QueryError("empty_text", "text is empty; describe what you are looking for", "text")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "text_too_long",
            f"text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}",
            "text",
        )
    return Query(text=text.strip(), context=parse_context(context))
