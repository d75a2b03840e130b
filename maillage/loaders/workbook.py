"""Load workbooks (CSV folders, CSV files, XLSX) into a store, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from maillage.loaders.formats import (
    GRAPH_SUFFIXES,
    is_sea_standard,
    read_graph_file,
    read_kumu_xlsx,
    read_sea_csv,
)
from maillage.loaders.formats.kumu import is_kumu_workbook
from maillage.loaders.formats.sea import first_row
from maillage.loaders.tables import (
    RawTable,
    read_csv_table,
    read_xlsx_tables,
    table_from_frame,
    unreadable,
)
from maillage.loaders.validate import Validated, validate

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_tables(paths: Iterable[Path]) -> list[RawTable]:
    """Raw tables from files and folders: CSV/TSV files, XLSX workbooks, folders of those;
    GraphML, GEXF and JSON (node-link, Kumu, Murmurations) files; Kumu spreadsheets and
    Solidarity Economy Association standard CSV files, recognized by their sheets/headers."""
    tables: list[RawTable] = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.suffix.lower() in (*_TEXT_SUFFIXES, ".xlsx")
            )
            if not files:
                tables.append(_missing(path, "no CSV or XLSX file in this folder"))
            tables.extend(read_tables(files))
        elif path.suffix.lower() == ".xlsx":
            if is_kumu_workbook(path):
                tables.extend(read_kumu_xlsx(path))
            else:
                tables.extend(read_xlsx_tables(path))
        elif path.suffix.lower() in GRAPH_SUFFIXES and path.exists():
            tables.extend(_read_graph_file(path))
        elif path.exists():
            if is_sea_standard(first_row(path)):
                tables.extend(read_sea_csv(path))
            else:
                tables.append(read_csv_table(path))
        else:
            tables.append(_missing(path, "no such file or folder"))
    return tables


def check_workbook(
    paths: Sequence[Path],
    known_ids: Callable[[Iterable[str]], set[str]] | None = None,
    *,
    missing: Iterable[str] | None = None,
) -> Validated:
    """Read and validate without writing; ties may point at organizations ``known_ids`` finds.
    Cells holding a ``missing`` marker are empty (``validate.MISSING_MARKERS`` by default)."""
    return validate(read_tables(paths), known_ids=known_ids, missing=missing)


def check_frames(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    label: str = "table",
    known_ids: Callable[[Iterable[str]], set[str]] | None = None,
) -> Validated:
    """Validate in-memory workbook tables (workbook headers) as if read from files."""
    tables = [
        table_from_frame(orgs, label=f"{label}/organizations"),
        table_from_frame(ties, label=f"{label}/ties"),
    ]
    tables[0].kind, tables[1].kind = "organizations", "ties"
    return validate(tables, known_ids=known_ids)


def _read_graph_file(path: Path) -> list[RawTable]:
    """A graph file's tables; input too odd for its reader is a problem, not a crash."""
    try:
        return read_graph_file(path)
    except RecursionError:
        # Elements or JSON values nested thousands deep (found by tests/loaders/test_fuzz.py).
        return [unreadable(str(path), 0, "nested too deeply to read")]
    except LookupError as error:
        # An XML declaration naming an encoding Python does not know.
        return [unreadable(str(path), 1, f"cannot read the file: {error}")]


def _missing(path: Path, message: str) -> RawTable:
    return unreadable(str(path), 0, message)
