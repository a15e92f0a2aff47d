"""`schakel match` (one question, a batch file) and `schakel matching reindex|status`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schakel.matching import index

pytestmark = pytest.mark.django_db

CONTEXT = {"municipality_nis": "34022", "size": "small", "as_of": "2026-11-27"}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_question_as_json_follows_the_spec(catalog, english):
    out, _ = run("match", "cobot testen", "--context", json.dumps(CONTEXT), "--top", "2", "--json")
    answer = json.loads(out)
    assert answer["id"] is None
    assert answer["mode"] == "lexical"
    assert answer["warnings"]
    assert answer["results"][0]["offering"] == "sirris-cobot-lab"
    assert len(answer["results"]) <= 2
    first = answer["results"][0]
    assert set(first) == {"offering", "score", "reasons"}
    assert "matches your words: cobot, testen" in first["reasons"]


def test_one_question_as_text_lists_id_title_and_reasons(catalog, english):
    out, err = run("match", "houdbaarheid van soep verlengen")
    assert "flanders-food-houdbaarheid" in out.splitlines()[0]
    assert "Advies over houdbaarheid van voeding" in out
    assert "- matches your words: houdbaarheid" in out
    assert "word matching only" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "The question is empty"),
        (["x" * 20000], "at most 5000 characters, and this one has 20000"),
        (["cobot", "--context", '{"clusters": ["space"]}'], "context.clusters"),
        (["cobot", "--context", '{"size": "huge"}'], "context.size"),
        (["cobot", "--context", "{not json"], "--context is not valid JSON"),
        (["cobot", "--context", "[1]"], "--context must be a JSON object"),
        (["cobot", "--top", "0"], "--top must be between 1 and 100"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(catalog, english, args, message):
    with pytest.raises(CommandError) as error:
        run("match", *args)
    assert message in str(error.value)


def test_batch_answers_every_line_in_order_with_one_load(catalog, english, tmp_path):
    # given a file with good lines, a bad line and a line that is no JSON
    lines = [
        {"id": "q1", "text": "cobot testen", "context": CONTEXT},
        {"id": "q2", "text": "", "context": {}},
        "this is not json",
        {"id": "q3", "text": "subsidie om te groeien", "context": {"stage": "grower"}},
        {"id": "q4", "text": "cobot", "context": {"clusters": ["unknown"]}},
    ]
    source = tmp_path / "q.jsonl"
    source.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", "utf-8"
    )
    target = tmp_path / "answers.jsonl"
    loads = index.stats["loads"]

    # when the batch runs
    run("match", "--batch", str(source), "--output", str(target))

    # then there is one answer per query, in order, and the index was loaded once
    answers = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [a["id"] for a in answers] == ["q1", "q2", None, "q3", "q4"]
    assert answers[0]["results"][0]["offering"] == "sirris-cobot-lab"
    assert all(isinstance(r, str) for r in answers[0]["results"][0]["reasons"])
    assert set(answers[0]) == {"id", "results"}
    assert answers[1]["error"].startswith("The question is empty")
    assert answers[2]["error"] == "The line is not valid JSON."
    assert answers[3]["results"][0]["offering"] == "vlaio-kmo-groeisubsidie"
    assert answers[4]["field"] == "context.clusters"
    assert index.stats["loads"] == loads + 1


def test_batch_to_stdout(catalog, english, tmp_path):
    source = tmp_path / "q.jsonl"
    source.write_text('{"id": 7, "text": "lasrobot"}\n', "utf-8")
    out, _ = run("match", "--batch", str(source))
    [answer] = [json.loads(line) for line in out.splitlines()]
    assert answer["id"] == 7
    assert answer["results"][0]["offering"] == "sirris-lasopleiding"


def test_batch_with_a_missing_file_fails(catalog, english):
    with pytest.raises(CommandError, match="No such file"):
        run("match", "--batch", "/nonexistent/q.jsonl")


def test_reindex_and_status(catalog, english):
    out, _ = run("matching", "reindex", "--full")
    assert "4 added" in out
    out, _ = run("matching", "reindex")
    assert "0 added, 0 updated, 0 removed, 4 unchanged" in out
    out, _ = run("matching", "status", "--json")
    status = json.loads(out)
    assert status["documents"] == 4
    assert status["mode"] == "lexical"
    assert status["encoder"] is None
    assert status["size_bytes"] > 0
    out, _ = run("matching", "status")
    assert "Word matching only" in out
