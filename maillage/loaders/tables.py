"""Read CSV files and XLSX sheets into raw tables with canonical headers and line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from maillage.ground.vocabulary import HEADER_ALIASES, ORGANIZATION_COLUMNS, TIE_COLUMNS, fold
from maillage.loaders.problems import Problem
from maillage.loaders.text import UndecodableText, decode, sniff_delimiter

ORGANIZATIONS = "organizations"
TIES = "ties"

_KNOWN = frozenset(ORGANIZATION_COLUMNS) | frozenset(TIE_COLUMNS)
_SHEET_NAMES = {
    ORGANIZATIONS: ("organizations", "organisations", "organismes", "organizations_csv"),
    TIES: ("ties", "liens", "relations", "ties_csv"),
}

# Large fields (long descriptions) are legitimate; the csv module's default limit is 128 kB.
csv.field_size_limit(16 * 1024 * 1024)
#: An XLSX workbook whose members inflate past this many bytes is refused unopened.
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024


@dataclass
class RawRow:
    """One record: its first line in the file, canonical cells and extra cells."""

    line: int
    cells: dict[str, str]
    extras: dict[str, str]


@dataclass
class RawTable:
    """The records of one CSV file or one sheet, not yet validated."""

    label: str
    kind: str
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: False when the table as a whole cannot be used (unreadable, ambiguous headers).
    readable: bool = True


def unreadable(label: str, line: int, message: str) -> RawTable:
    """A table that could not be read, carrying why."""
    return RawTable(
        label, ORGANIZATIONS, problems=[Problem(label, line, "-", message)], readable=False
    )


def canonical_header(header: str) -> str | None:
    """The contract column a header names (English or French, any case or accents).

    >>> canonical_header("Région"), canonical_header("JUSQU'À"), canonical_header("Colour")
    ('region', 'until', None)
    """
    folded = fold(header)
    if folded in _KNOWN:
        return folded
    return HEADER_ALIASES.get(folded)


def table_kind(headers: Iterable[str]) -> str:
    """Whether headers describe ties (they name a source and a target) or organizations.

    >>> table_kind(["Source", "Cible", "Type"]), table_kind(["id", "nom", "type"])
    ('ties', 'organizations')
    """
    canonical = {canonical_header(h) for h in headers}
    return TIES if {"source", "target"} <= canonical else ORGANIZATIONS


def read_csv_table(path: Path, *, label: str | None = None) -> RawTable:
    """Read one delimited text file, detecting its encoding and delimiter."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return unreadable(label, 0, f"cannot read the file: {error.strerror}")
    return read_csv_bytes(raw, label=label)


def read_csv_bytes(raw: bytes, *, label: str) -> RawTable:
    """Read the bytes of one delimited text file (see :func:`read_csv_table`)."""
    records = csv_records(raw, label=label)
    return records if isinstance(records, RawTable) else _table_from_records(label, records)


def csv_records(raw: bytes, *, label: str) -> list[tuple[int, list[str]]] | RawTable:
    """The records of a delimited text file with the line each starts on (blank lines
    skipped), or an unreadable table saying why."""
    try:
        text, _ = decode(raw)
    except UndecodableText as error:
        return unreadable(label, 1, str(error))
    if "\x00" in text:
        return unreadable(label, 1, "binary content: this is not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return list(_numbered(reader))
    except csv.Error as error:
        return unreadable(label, reader.line_num, f"broken CSV: {error}")


def read_xlsx_tables(path: Path) -> list[RawTable]:
    """Read the ``organizations`` and ``ties`` sheets (English or French names) of a workbook.

    A broken or hostile file (bad zip, corrupt XML, a zip bomb) gives one unreadable table
    saying why, never an exception.
    """
    label = str(path)
    refused = _refuse_zip(path)
    if refused is not None:
        return [unreadable(label, 0, refused)]
    try:
        tables = _xlsx_tables(path, label)
    # openpyxl's failures on bad files (zlib, XML, KeyError, TypeError, ...) share no type.
    except Exception as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return [unreadable(label, 0, f"not a readable XLSX workbook: {reason}")]
    if not tables:
        tables.append(
            unreadable(label, 0, "no sheet named 'organizations' or 'ties' (or French names)")
        )
    return tables


def _refuse_zip(path: Path) -> str | None:
    """Why a file cannot be an XLSX workbook we open, judged from its zip directory alone."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as error:
        return f"cannot read the file: {error.strerror or error}"
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError) as error:
        # NotImplementedError: a directory entry asking for a zip version Python lacks.
        return f"not a readable XLSX workbook (not a zip file we can open: {error})"
    # Members cannot inflate past their declared size (zipfile stops there), so the sum
    # bounds the work; it stops zip bombs before any XML is parsed.
    inflated = sum(member.file_size for member in members)
    if inflated > MAX_XLSX_UNCOMPRESSED:
        return (
            f"not opened: the workbook is {inflated:,} bytes uncompressed, more than "
            f"{MAX_XLSX_UNCOMPRESSED:,}; save it as CSV instead"
        )
    return None


def _xlsx_tables(path: Path, label: str) -> list[RawTable]:
    import openpyxl  # imported here: only XLSX input needs it

    # Our own handle: openpyxl leaves its file open when it fails halfway through a bad file.
    with path.open("rb") as handle, warnings.catch_warnings():
        # "Data validation extension not supported" and the like: about features we ignore.
        warnings.simplefilter("ignore")
        return _sheets(openpyxl.load_workbook(handle, read_only=True, data_only=True), label)


def _sheets(book: Any, label: str) -> list[RawTable]:
    tables = []
    try:
        for sheet_name in book.sheetnames:
            kind = next((k for k, names in _SHEET_NAMES.items() if fold(sheet_name) in names), None)
            if kind is None:
                continue
            sheet = book[sheet_name]
            records = [
                (number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                if any(v not in (None, "") for v in values)
            ]
            table = _table_from_records(f"{label}[{sheet_name}]", records)
            table.kind = kind
            tables.append(table)
    finally:
        book.close()
    return tables


def table_from_frame(frame: pd.DataFrame, *, label: str) -> RawTable:
    """A raw table from an in-memory table, numbered as if written to CSV (header on line 1)."""
    headers = [str(c) for c in frame.columns]
    columns = [_column_text(frame[c]) for c in frame.columns]
    records: list[tuple[int, Sequence[str]]] = [(1, headers)]
    records.extend(enumerate(zip(*columns, strict=True), start=2))
    return _table_from_records(label, records)


def _column_text(values: pd.Series) -> list[str]:
    """A column's cells as text, as :func:`_cell_text` would write them, in one pass."""
    cells = values.tolist()
    if values.dtype.kind == "f":  # tolist gives Python floats
        return [
            "" if v != v else str(int(v)) if v.is_integer() else str(v)  # NaN is missing
            for v in cells
        ]
    return [v if v.__class__ is str else _cell_text(v) for v in cells]


def _numbered(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Records with the line they start on; blank lines skipped."""
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if record and any(cell.strip() for cell in record):
            yield start, record


def _table_from_records(label: str, records: Sequence[tuple[int, Sequence[str]]]) -> RawTable:
    if not records:
        return unreadable(label, 1, "empty file: no header row")
    header_line, headers = records[0]
    headers = [h.strip() for h in headers]
    table = RawTable(label, table_kind(headers))
    canonical = [canonical_header(h) for h in headers]
    seen: dict[str, str] = {}
    for header, name in zip(headers, canonical, strict=True):
        if name is None:
            continue
        if name in seen:
            table.problems.append(
                Problem(
                    label, header_line, name, f"two columns mean {name}: {seen[name]!r}, {header!r}"
                )
            )
            table.readable = False
        seen[name] = header
    width = len(headers)
    names = [name for name in canonical if name is not None]
    kept = [index for index, name in enumerate(canonical) if name is not None]
    extra = [
        (index, h)
        for index, (h, name) in enumerate(zip(headers, canonical, strict=True))
        if not name and h
    ]
    every = kept == list(range(width))
    for line, record in records[1:]:
        if len(record) > width and any(c.strip() for c in record[width:]):
            table.problems.append(
                Problem(label, line, "-", f"{len(record)} cells but {width} columns")
            )
            continue
        if len(record) >= width:
            # The usual record: one cell per column (cells past the last are blank).
            values = record if every else [record[index] for index in kept]
            cells = dict(zip(names, map(str.strip, values), strict=False))
            extras = {header: record[index] for index, header in extra}
        else:
            cells, extras = {}, {}
            for index, value in enumerate(record):
                name = canonical[index]
                if name is not None:
                    cells[name] = value.strip()
                elif headers[index]:
                    extras[headers[index]] = value
        table.rows.append(RawRow(line, cells, extras))
    return table


def _cell_text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
