"""`schakel catalog <subcommand>`: read and write the open catalogue format.

    schakel catalog validate FILE     check a file, list every error, write nothing
    schakel catalog import FILE       check, then write the whole file in one transaction
    schakel catalog export FILE       write the catalogue ("-" for standard output)

FILE may be "-" for standard input/output. A file that breaks the format is refused with
every error (record id and field) on stderr and exit status 1; nothing is written.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from schakel.catalog.format import (
    CatalogInvalid,
    dumps,
    export_catalog,
    import_catalog,
    load_json,
    parse_catalog,
)


class Command(BaseCommand):
    help = "Validate, import or export the catalogue in the open format (schakel.catalog/v1)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        validate = commands.add_parser(
            "validate", help="Check a catalogue file and list every error; write nothing."
        )
        validate.add_argument("file", help='The JSON file ("-" for standard input).')
        file_import = commands.add_parser(
            "import",
            help="Import a catalogue file (one transaction; matched on id).",
            description=(
                "Check the whole file; when it follows the format, create or update its "
                "organisations and offerings in one transaction. Records are matched on their "
                "id, so importing the same file twice changes nothing."
            ),
        )
        file_import.add_argument("file", help='The JSON file ("-" for standard input).')
        export = commands.add_parser("export", help="Write the catalogue in the open format.")
        export.add_argument("file", help='Where to write ("-" for standard output).')

    def handle(self, *args, subcommand=None, **options):
        if subcommand == "export":
            return self.export(options["file"])
        data = self.read(options["file"])
        if subcommand == "validate":
            organisations, offerings, errors = parse_catalog(data)
            if errors:
                self.fail(errors)
            self.stdout.write(
                self.style.SUCCESS(
                    _("The file follows the format: %(organisations)s organisations, ")
                    % {"organisations": len(organisations)}
                    + _("%(offerings)s offerings.") % {"offerings": len(offerings)}
                )
            )
            return None
        try:
            result = import_catalog(data, None)
        except CatalogInvalid as invalid:
            self.fail(invalid.errors)
        for label, counts in (
            (_("Organisations"), result.organisations),
            (_("Offerings"), result.offerings),
        ):
            self.stdout.write(
                _("%(label)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"label": label, **counts.as_dict()}
            )
        return None

    def read(self, name: str):
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": name, "error": exc})
        try:
            return load_json(raw)
        except CatalogInvalid as invalid:
            self.fail(invalid.errors, name)

    def fail(self, errors, name: str = ""):
        for error in errors:
            self.stderr.write(str(error) if not name else f"{name}: {error}")
        raise CommandError(
            _("The file breaks the catalogue format in %(count)s places; nothing was written.")
            % {"count": len(errors)}
            if len(errors) != 1
            else _("The file breaks the catalogue format; nothing was written."),
            returncode=1,
        )

    def export(self, name: str):
        text = dumps(export_catalog())
        if name == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(name).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": name, "error": exc})
        document_size = len(text.encode("utf-8"))
        self.stdout.write(
            _("Catalogue written to %(file)s (%(size)s bytes).")
            % {"file": name, "size": document_size}
        )
