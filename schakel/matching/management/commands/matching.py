"""`schakel matching <subcommand>`: look after the matching index.

schakel matching reindex [--full]   sync the index with the catalogue (--full: from scratch)
schakel matching status             documents, mode, encoder, index folder and size
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from schakel.matching import index


class Command(BaseCommand):
    help = "Reindex the matching index or show its status."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        reindex = commands.add_parser(
            "reindex", help="Bring the index in line with the catalogue (only what changed)."
        )
        reindex.add_argument(
            "--full", action="store_true", help="Rebuild from scratch (embeds every offering)."
        )
        status = commands.add_parser("status", help="Show what the index holds.")
        status.add_argument("--json", action="store_true", help="Print the status as JSON.")

    def handle(self, *args, subcommand=None, **options):
        if subcommand == "reindex":
            show = options["verbosity"] >= 1
            with tqdm(
                total=0, desc=_("Indexing offerings"), unit="doc", disable=not show, file=sys.stderr
            ) as bar:
                result = index.reindex(full=options["full"], progress=bar)
            self.stdout.write(
                _(
                    "Index in line with the catalogue: %(added)s added, %(updated)s updated, "
                    "%(removed)s removed, %(unchanged)s unchanged."
                )
                % vars(result)
            )
            return
        info = index.status()
        if options.get("json"):
            self.stdout.write(json.dumps(info))
            return
        rows = [
            (_("Documents"), info["documents"]),
            (_("Mode"), info["mode"]),
            (_("Encoder"), info["encoder"] or _("none")),
            (_("Encoder setting"), info["encoder_setting"]),
            (_("Index folder"), info["index_dir"]),
            (_("Size"), _("%(mb).1f MB") % {"mb": info["size_bytes"] / 2**20}),
        ]
        for label, value in rows:
            self.stdout.write(f"{label:<16} {value}")
        if info["warning"]:
            self.stdout.write(
                self.style.WARNING(
                    _("Word matching only: %(reason)s") % {"reason": info["warning"]}
                )
            )
