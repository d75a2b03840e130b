"""What every graph-format reader shares: values as cell text, records as raw tables."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from maillage.ground.tables import plain_value
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS
from maillage.loaders.problems import Problem
from maillage.loaders.tables import ORGANIZATIONS, TIES, RawRow, RawTable

#: A record of a graph file: where it starts (line, or position in its list) and its fields.
Record = tuple[int, Mapping[str, Any]]


def cell_text(value: Any) -> str:
    """A value of a graph file as the text a CSV cell would hold.

    >>> cell_text(None), cell_text(2003), cell_text(45.5), cell_text(2.0), cell_text(True)
    ('', '2003', '45.5', '2', 'true')
    >>> cell_text(["a", "b"]), cell_text({"k": 1})
    ('a|b', '{"k": 1}')
    """
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple) and not any(
        isinstance(v, list | tuple | dict) for v in value
    ):
        return "|".join(cell_text(v) for v in value)
    if isinstance(value, list | tuple | dict):
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (RecursionError, ValueError, TypeError):
            return ""  # nested too deeply (or unsortable keys) to be a cell value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def records_table(
    label: str, kind: str, records: Iterable[Record], *, problems: Iterable[Problem] = ()
) -> RawTable:
    """A raw table from records whose keys are contract column names; other keys are extras.

    Nested ``properties`` (as node-link JSON may carry them) are spread into the extras.
    """
    columns = ORGANIZATION_COLUMNS if kind == ORGANIZATIONS else TIE_COLUMNS
    table = RawTable(label, kind, problems=list(problems))
    for line, record in records:
        cells: dict[str, str] = {}
        extras: dict[str, str] = {}
        for key, value in record.items():
            if key == "properties" and isinstance(value, Mapping):
                extras.update({str(k): cell_text(v) for k, v in value.items()})
            elif key in columns:
                cells[key] = cell_text(value)
            else:
                extras[str(key)] = cell_text(value)
        table.rows.append(RawRow(line, cells, extras))
    return table


def export_records(table: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of a store frame as plain dicts: contract columns, then properties (no clash)."""
    records = []
    for row in table.to_dict(orient="records"):
        record = {column: plain_value(row.get(column)) for column in columns}
        properties = row.get("properties") or {}
        record.update({str(k): v for k, v in properties.items() if k not in record})
        records.append(record)
    return records


__all__ = ["ORGANIZATIONS", "TIES", "Record", "cell_text", "export_records", "records_table"]
