"""Batch JSONL: answers in order; a malformed line gives an error line, the rest is answered."""

import io
import json

from schakel.matching.engine import answer_lines, run_batch

from .test_engine_support import doc, lexical_engine

ENGINE_DOCS = [doc("weld", "Opleiding lassen"), doc("loan", "Startlening")]


def test_batch_with_malformed_lines():
    engine = lexical_engine(ENGINE_DOCS)
    lines = [
        json.dumps({"id": "q1", "text": "lassen", "context": {"as_of": "2026-11-27"}}),
        "{not json",
        json.dumps({"id": "q3", "text": "lening", "context": {"size": "giant"}}),
        "",
        json.dumps({"id": "q4", "text": "startlening"}),
    ]
    infile, outfile = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    errors = run_batch(engine, infile, outfile)
    out = [json.loads(line) for line in outfile.getvalue().splitlines()]
    assert errors == 2
    assert [o["id"] for o in out] == ["q1", None, "q3", "q4"]
    assert out[0]["results"][0]["offering"] == "weld"
    assert all(isinstance(r, str) for r in out[0]["results"][0]["reasons"])
    assert "error" in out[1]
    assert out[1]["code"] == "invalid_json"
    assert out[2]["field"] == "context.size"
    assert out[3]["results"][0]["offering"] == "loan"


def test_answer_lines_reports_lexical_mode():
    engine = lexical_engine(ENGINE_DOCS)
    (answer,) = list(answer_lines(engine, [json.dumps({"id": 1, "text": "lassen"})]))
    assert answer["warnings"]
