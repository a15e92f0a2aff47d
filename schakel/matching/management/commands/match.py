"""`schakel match`: ask the matchmaking engine from the command line.

    schakel match "TEXT" [--context JSON] [--top K] [--json]
    schakel match --batch QUERIES.jsonl [--output FILE] [--top K]

One question prints ranked offerings (id, title, score, reasons); with --json the answer object
of the catalogue spec, ``{"id": null, "results": [...], "mode": ...}``. A batch file holds one
query per line (``{"id", "text", "context"}``); the answers are JSON Lines in the same order,
one per query; a line that cannot be used gets ``{"id", "error"}`` and the rest are answered.
A bad single question (empty, too long, unknown context code, malformed --context) is refused
with a message naming the problem and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from schakel.matching import services
from schakel.matching.engine import QueryError
from schakel.matching.reasons_i18n import query_error_text


class Command(BaseCommand):
    help = "Match a question (or a JSON Lines file of questions) to catalogue offerings."

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="?", help="The question, in Dutch, English or French.")
        parser.add_argument(
            "--context",
            help='The company as JSON, e.g. \'{"municipality_nis": "36015", "size": "small", '
            '"stage": "grower", "clusters": ["food"], "as_of": "2026-11-27"}\'.',
        )
        parser.add_argument("--top", type=int, default=10, help="How many results (default 10).")
        parser.add_argument("--json", action="store_true", help="Print the answer as JSON.")
        parser.add_argument("--batch", help='A JSON Lines file of queries ("-" for stdin).')
        parser.add_argument("--output", help="Where to write the batch answers (default stdout).")

    def handle(self, *args, **options):
        top = options["top"]
        if top < 1 or top > 100:
            raise CommandError(_("--top must be between 1 and 100."))
        if options["batch"]:
            if options["text"]:
                raise CommandError(_("Give either a question or --batch FILE, not both."))
            return self.batch(options["batch"], options["output"], top)
        if options["text"] is None:
            raise CommandError(_('Give a question, e.g. schakel match "cobot testen".'))
        context = self.parse_context(options["context"])
        try:
            services.validate(options["text"], context)
            answer = services.match(options["text"], context, top=top)
        except QueryError as error:
            raise CommandError(query_error_text(error)) from None
        if options["json"]:
            payload = {
                "id": None,
                "results": [
                    {"offering": r.external_id, "score": r.score, "reasons": r.reasons}
                    for r in answer.results
                ],
                "mode": answer.mode,
            }
            if answer.warnings:
                payload["warnings"] = answer.warnings
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return None
        for warning in answer.warnings:
            self.stderr.write(warning)
        if not answer.results:
            self.stdout.write(_("No offering matches this question."))
        for rec in answer.results:
            self.stdout.write(f"{rec.rank:>2}. {rec.external_id}  {rec.score:.3f}  {rec.title}")
            for reason in rec.reasons:
                self.stdout.write(f"      - {reason}")
        return None

    def parse_context(self, raw: str | None) -> dict | None:
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(
                _("--context is not valid JSON: %(error)s") % {"error": error.msg}
            ) from None
        if not isinstance(value, dict):
            raise CommandError(_("--context must be a JSON object."))
        return value

    def batch(self, source: str, output: str | None, top: int) -> None:
        if source == "-":
            infile = sys.stdin
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": source})
            infile = path.open(encoding="utf-8")
        outfile = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        try:
            mode, warnings = services.engine_mode()
            for warning in warnings:
                self.stderr.write(warning)
            for answer in services.answer_batch(infile, top=top):
                line = json.dumps(answer, ensure_ascii=False)
                if output:
                    outfile.write(line + "\n")
                else:
                    self.stdout.write(line)
        finally:
            if infile is not sys.stdin:
                infile.close()
            if output:
                outfile.close()
