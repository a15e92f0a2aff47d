"""Reading an import file as rows of cells, whatever Belgian users saved it as.

CSV: separator sniffed (semicolon, comma or tab), encoding detected (UTF-8 with
or without BOM tried strictly first, then Windows-1252; UTF-16 with a BOM as
Excel's "Unicode text"). XLSX: openpyxl in read-only mode, formulas read as
their text and never evaluated. Bad files raise `ImportFileError` with a
translated message; nothing reads more than one row at a time into memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)
ALLOWED_EXTENSIONS = CSV_EXTENSIONS + XLSX_EXTENSIONS
# What browsers send for .csv and .xlsx (Windows sends the Excel type for CSV).
ALLOWED_CONTENT_TYPES = {
    "",
    "text/csv",
    "text/plain",
    "text/x-csv",
    "text/comma-separated-values",
    "application/csv",
    "application/x-csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, .doc
_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is translated and shown as is."""


def check_name_and_type(filename: str, content_type: str = "") -> str:
    """The kind of file ("csv" or "xlsx") judged by name and declared type."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".xls":
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or .csv.")
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ImportFileError(
            _("Only .csv and .xlsx files can be imported, not “%(name)s”.") % {"name": filename}
        )
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise ImportFileError(
            _("The file was sent as “%(type)s”, which is not a spreadsheet or CSV file.")
            % {"type": content_type}
        )
    return "xlsx" if extension in XLSX_EXTENSIONS else "csv"


def check_size(size: int, max_bytes: int | None) -> None:
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if max_bytes is not None and size > max_bytes:
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it in parts.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read, for progress by bytes."""

    def __init__(self, raw):
        self.raw = raw
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)


def detect_encoding(path: Path) -> str:
    """UTF-16 (BOM), else UTF-8 (BOM or not) checked over the whole file, else Windows-1252.

    Both UTF-8 and Windows-1252 are decoded strictly: a file that is neither
    (five byte values are undefined in Windows-1252) is refused rather than mangled.
    """
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        for encoding in ("utf-8-sig", "cp1252"):
            handle.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
            try:
                while chunk := handle.read(_DECODE_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise ImportFileError(
        _(
            "The file's character encoding is not recognised. Save it as CSV UTF-8 "
            "(or as .xlsx) and try again."
        )
    )


def _sniff_delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of ; , and tab outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ";"


def _cell_text(value) -> object:
    """XLSX cell values as the importer wants them: text, or numbers/dates as they are."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


class Table:
    """An open import file: `headers`, then `rows()` yields (row number, cells)."""

    def __init__(self, path: Path, kind: str):
        self.path = Path(path)
        self.kind = kind
        self.size = self.path.stat().st_size
        self.headers: list[str] = []
        self._closers = []
        self._counter: _CountingReader | None = None
        self._rows_done = 0
        self._rows_total = 0
        if kind == "xlsx":
            self._open_xlsx()
        else:
            self._open_csv()

    # progress -------------------------------------------------------------
    @property
    def progress(self) -> tuple[int, int]:
        """(done, total): bytes for CSV, rows for XLSX."""
        if self._counter is not None:
            return self._counter.bytes_read, self.size
        return self._rows_done, max(self._rows_total, self._rows_done)

    # CSV --------------------------------------------------------------------
    def _open_csv(self) -> None:
        with open(self.path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
            raise ImportFileError(
                _("This is a spreadsheet file with a .csv name. Save it as .xlsx or as CSV.")
            )
        encoding = detect_encoding(self.path)
        if encoding != "utf-16" and b"\x00" in head:
            raise ImportFileError(_("This is not a text file, so it cannot be read as CSV."))
        self._counter = _CountingReader(open(self.path, "rb"))  # noqa: SIM115
        self._closers.append(self._counter.raw)
        text = io.TextIOWrapper(
            io.BufferedReader(self._counter, buffer_size=_SNIFF_BYTES),
            encoding=encoding,
            errors="strict",
            newline="",
        )
        self._closers.append(text)
        sample = text.read(_SNIFF_BYTES)
        delimiter = _sniff_delimiter(sample.lstrip("\ufeff"))
        self._reader = csv.reader(
            _chain_text(sample.lstrip("\ufeff"), text),
            delimiter=delimiter,
            quotechar='"',
            strict=True,
        )
        self.delimiter = delimiter
        self.encoding = encoding
        self._record = 0
        self.headers = self._next_csv_row(header=True)

    def _next_csv_row(self, header=False):
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                if header:
                    raise ImportFileError(_("The file is empty."))
                raise
            except csv.Error as exc:
                raise ImportFileError(self._csv_error_message(exc))
            self._record += 1
            if header and not any(cell.strip() for cell in row):
                continue
            return row

    def _csv_error_message(self, exc: Exception) -> str:
        row = self._record + 1
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            return _(
                "The file ends inside a quoted cell that starts on or after row %(row)s: "
                'a quote mark (") is not closed, or the file is cut off.'
            ) % {"row": row}
        return _('Row %(row)s is not valid CSV: a quote mark (") is in the wrong place.') % {
            "row": row
        }

    # XLSX -------------------------------------------------------------------
    def _open_xlsx(self) -> None:
        with open(self.path, "rb") as handle:
            head = handle.read(4)
        if head != _ZIP_MAGIC:
            raise ImportFileError(
                _("This file is not a valid Excel (.xlsx) file; it may be damaged.")
            )
        from openpyxl import load_workbook

        try:
            # data_only=False: a formula is read as its text and never computed.
            workbook = load_workbook(self.path, read_only=True, data_only=False)
            sheet = workbook.worksheets[0]
            self._rows_total = max((sheet.max_row or 1) - 1, 0)
            self._xlsx_rows = sheet.iter_rows(values_only=True)
            header = None
            for values in self._xlsx_rows:
                if any(v not in (None, "") for v in values):
                    header = values
                    break
        except Exception as exc:  # zipfile, KeyError, XML errors: openpyxl raises many kinds
            raise ImportFileError(
                _("This file is not a valid Excel (.xlsx) file; it may be damaged.")
            ) from exc
        self._closers.append(workbook)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        self.headers = [str(_cell_text(v)).strip() for v in header]
        # Trailing empty header cells are Excel formatting, not columns.
        while self.headers and not self.headers[-1]:
            self.headers.pop()

    # rows ------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[int, list]]:
        """Data rows as (row number counting the header as 1, cells); blank rows skipped."""
        if self.kind == "xlsx":
            row_number = 1
            try:
                for values in self._xlsx_rows:
                    row_number += 1
                    self._rows_done = row_number - 1
                    cells = [_cell_text(v) for v in values]
                    if any(c != "" for c in cells):
                        yield row_number, cells
            except Exception as exc:
                raise ImportFileError(
                    _("The Excel file cannot be read after row %(row)s; it may be damaged.")
                    % {"row": row_number}
                ) from exc
            return
        while True:
            try:
                row = self._next_csv_row()
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise ImportFileError(_("The file's character encoding is not recognised."))
            if any(cell.strip() for cell in row):
                yield self._record, row

    def close(self) -> None:
        for item in reversed(self._closers):
            try:
                item.close()
            except Exception:  # noqa: S110 - closing is best effort
                pass
        self._closers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _chain_text(sample: str, rest) -> Iterator[str]:
    """Lines of the sniffed sample, then of the rest of the file, as one stream.

    Split on "\n" only: the csv module ends a record at the end of each string it
    is given (outside quotes), so splitting on other line breaks would change cells.
    """
    parts = sample.split("\n")
    for part in parts[:-1]:
        yield part + "\n"
    if parts[-1]:
        # The sample stopped mid-line: glue on the rest of that line.
        yield parts[-1] + rest.readline()
    yield from rest


def open_table(path, filename: str | None = None, content_type: str = "", max_bytes=None):
    """Open `path` as a Table after checking name, declared type and size (before reading)."""
    path = Path(path)
    kind = check_name_and_type(filename or path.name, content_type)
    check_size(path.stat().st_size, max_bytes)
    return Table(path, kind)
