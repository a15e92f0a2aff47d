"""`schakel register <subcommand>`: import files and the KBO Open Data extract into the register.

schakel register import FILE [--dry-run] [--type company] [--show-errors 20]
schakel register import-kbo DIR [--dry-run] [--report changes.csv]
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from schakel.register.importing import kbo
from schakel.register.importing.service import run_file_import
from schakel.register.models import OrganisationType

KBO_HELP = """Read the KBO Open Data extract (the unzipped folder with enterprise.csv,
denomination.csv, address.csv, activity.csv, contact.csv, code.csv and meta.csv) and create or
update the enterprises whose registered seat (REGO address) has a West-Flemish postal code
(8000-8999). The files are streamed, so the full extract (over a million enterprises) runs in
bounded memory. One run is one transaction: a failed run changes nothing.

What is never overwritten:
  * a field listed in the organisation's manual_fields (staff changed it by hand);
  * on an organisation that was never synced from KBO (no "last KBO update"), any field that is
    not empty: staff entered it;
  * website, e-mail, phone and the secondary NACE codes are only filled when empty.
Fields KBO owns (name, legal form, street, postal code, municipality, main NACE, start date) are
updated on organisations that came from KBO before, unless listed in manual_fields."""


class Command(BaseCommand):
    help = "Import organisations into the register: `import FILE` or `import-kbo DIR`."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        file_import = commands.add_parser(
            "import",
            help="Import organisations and contacts from a .csv or .xlsx file.",
            description=(
                "Check every row and, when no row has an error, write the whole file in one "
                "transaction. Known enterprise numbers update the existing organisation."
            ),
        )
        file_import.add_argument("file", help="The .csv or .xlsx file.")
        file_import.add_argument(
            "--dry-run", action="store_true", help="Check and report, write nothing."
        )
        file_import.add_argument(
            "--type",
            dest="default_type",
            default=OrganisationType.COMPANY,
            choices=OrganisationType.values,
            help="Type for rows without one (default: company).",
        )
        file_import.add_argument(
            "--show-errors", type=int, default=20, help="How many errors to print (default 20)."
        )
        file_import.add_argument(
            "--no-progress", action="store_true", help="No progress bar on stderr."
        )

        kbo_import = commands.add_parser(
            "import-kbo",
            help="Import West-Flemish enterprises from the KBO Open Data extract.",
            description=KBO_HELP,
            formatter_class=__import__("argparse").RawDescriptionHelpFormatter,
        )
        kbo_import.add_argument("directory", help="The folder with the extract's CSV files.")
        kbo_import.add_argument(
            "--dry-run", action="store_true", help="Work out the changes, write nothing."
        )
        kbo_import.add_argument(
            "--report", help="Write every change (enterprise number, field, old, new) to this CSV."
        )
        kbo_import.add_argument(
            "--no-progress", action="store_true", help="No progress bars on stderr."
        )

    def handle(self, *args, subcommand=None, **options):
        if subcommand == "import":
            return self.import_file(options)
        if subcommand == "import-kbo":
            return self.import_kbo(options)
        raise CommandError(f"unknown subcommand {subcommand!r}")

    def _stderr(self):
        return getattr(self.stderr, "_out", sys.stderr)

    def import_file(self, options):
        bar = tqdm(
            total=0,
            unit="B",
            unit_scale=True,
            desc="rows checked" if options["dry_run"] else "importing",
            file=self._stderr(),
            disable=options["no_progress"],
        )

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        report = run_file_import(
            options["file"],
            default_type=options["default_type"],
            apply=not options["dry_run"],
            progress=progress,
        )
        bar.close()
        self.stdout.write(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.errors} with errors, "
            f"{report.warnings} warnings; contacts: {report.contacts_created} created, "
            f"{report.contacts_updated} updated."
        )
        for notice in report.notices:
            self.stdout.write(notice)
        lines = report.error_lines(options["show_errors"])
        for line in lines:
            self.stderr.write(line)
        if not report.ok:
            total = report.errors + (1 if report.file_error else 0)
            if total > len(lines):
                self.stderr.write(f"… and {total - len(lines)} more.")
            raise CommandError("Nothing was imported: fix the errors and run again.", returncode=1)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))

    def import_kbo(self, options):
        try:
            result = kbo.import_kbo(
                options["directory"],
                dry_run=options["dry_run"],
                report_path=options.get("report"),
                progress_file=None if options["no_progress"] else self._stderr(),
            )
        except kbo.KboError as exc:
            raise CommandError(str(exc), returncode=1)
        self.stdout.write(
            f"KBO {result.snapshot or '(no date)'}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.outside} outside West Flanders skipped, {result.invalid} invalid rows."
        )
        for field_name, count in sorted(result.field_changes.items()):
            self.stdout.write(f"  {field_name}: {count}")
        for problem in result.problems[:20]:
            self.stderr.write(problem)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
