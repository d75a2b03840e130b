"""Load workbooks (CSV folders, CSV files, XLSX) into a store, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from maillage.ground.tables import Progress
from maillage.loaders.commit import LoadOutcome, commit
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
from maillage.queries.store import LoadResult, Store

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


def check_workbook(paths: Sequence[Path], store: Store | None = None) -> Validated:
    """Read and validate without writing; ties may point at organizations in ``store``."""
    known = store.existing_ids if store is not None else None
    return validate(read_tables(paths), known_ids=known)


def load_workbook(
    paths: Sequence[Path],
    store: Store,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Validate every row, then load in one all-or-nothing write.

    Raises :class:`InvalidInput` listing every problem (and writes nothing) unless
    ``skip_invalid``, which loads the valid rows and returns the problems of the others.
    """
    checked = check_workbook(paths, store)
    return commit(checked, store, skip_invalid=skip_invalid, progress=progress)


def load_tables(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    store: Store,
    *,
    label: str = "table",
    progress: Progress | None = None,
) -> LoadResult:
    """Validate and load in-memory workbook tables (workbook headers), all or nothing."""
    tables = [
        table_from_frame(orgs, label=f"{label}/organizations"),
        table_from_frame(ties, label=f"{label}/ties"),
    ]
    tables[0].kind, tables[1].kind = "organizations", "ties"
    checked = validate(tables, known_ids=store.existing_ids)
    return commit(checked, store, progress=progress).result


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
