"""Kumu (kumu.io) spreadsheets and JSON blueprints, in and out.

Kumu maps are two tables: *Elements* (``Label``, ``Type``, optional ``ID``, ``Description``,
``Tags`` and any custom field) and *Connections* (``From``, ``To``, ``Type``, ``Direction``,
custom fields); multiple values in one cell are separated by ``|``. A JSON blueprint holds
the same as ``{"elements": [...], "connections": [...]}`` with lower-case keys.

Maillage writes an ``ID`` column (the organization id) and ``From``/``To`` as those ids, so
two organizations with the same name stay apart; on input ``From``/``To`` may name an ID or,
as in hand-made Kumu sheets, a Label. Other contract columns travel under their contract
names (``legal_form``, ``region``, ...); properties under their own names.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from maillage.ground.vocabulary import DIRECTED_TIE_TYPES, ORGANIZATION_COLUMNS, TIE_COLUMNS, fold
from maillage.loaders.formats.common import (
    ORGANIZATIONS,
    TIES,
    Record,
    export_records,
    records_table,
)
from maillage.loaders.mapping import auto_id
from maillage.loaders.tables import RawTable, unreadable

ELEMENTS_SHEET = "Elements"
CONNECTIONS_SHEET = "Connections"
#: Kumu's own element fields → contract columns (matched case-insensitively).
_ELEMENT_FIELDS = {"id": "id", "label": "name", "type": "type", "tags": "tags"}
_CONNECTION_FIELDS = {"from": "source", "to": "target", "type": "type"}


def kumu_tables(orgs: pd.DataFrame, ties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Elements and Connections tables of a Kumu spreadsheet."""
    elements = []
    for record in export_records(orgs, ORGANIZATION_COLUMNS):
        element = {"ID": record.pop("id"), "Label": record.pop("name"), "Type": record.pop("type")}
        element["Tags"] = record.pop("tags")
        element.update(record)
        elements.append(element)
    connections = []
    for record in export_records(ties, TIE_COLUMNS):
        kind = record.pop("type")
        connection = {
            "From": record.pop("source"),
            "To": record.pop("target"),
            "Type": kind,
            "Direction": "directed" if kind in DIRECTED_TIE_TYPES else "undirected",
        }
        connection.update(record)
        connections.append(connection)
    return (
        pd.DataFrame.from_records(elements, columns=_columns(elements, ["ID", "Label", "Type"])),
        pd.DataFrame.from_records(
            connections, columns=_columns(connections, ["From", "To", "Type", "Direction"])
        ),
    )


def write_kumu_xlsx(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """A Kumu spreadsheet (sheets Elements and Connections); formulas made inert."""
    from maillage.loaders.export import neutralize_formula

    path.parent.mkdir(parents=True, exist_ok=True)
    elements, connections = kumu_tables(orgs, ties)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        elements.map(neutralize_formula).to_excel(book, sheet_name=ELEMENTS_SHEET, index=False)
        connections.map(neutralize_formula).to_excel(
            book, sheet_name=CONNECTIONS_SHEET, index=False
        )
    return path


def kumu_blueprint(orgs: pd.DataFrame, ties: pd.DataFrame) -> dict[str, Any]:
    """A Kumu JSON blueprint: tags as lists, keys in lower case, empty values left out."""
    elements, connections = kumu_tables(orgs, ties)

    def items(table: pd.DataFrame) -> list[dict[str, Any]]:
        out = []
        for row in table.to_dict(orient="records"):
            item = {}
            for key, value in row.items():
                if value is None or (isinstance(value, float) and value != value):
                    continue
                name = str(key).lower() if str(key).lower() in _KUMU_KEYS else str(key)
                item[name] = value.split("|") if name == "tags" and value else value
            out.append(item)
        return out

    return {"elements": items(elements), "connections": items(connections)}


def write_kumu_json(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """A Kumu JSON blueprint file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = kumu_blueprint(orgs, ties)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def is_kumu(document: Any) -> bool:
    """Whether a parsed JSON document is a Kumu blueprint."""
    return isinstance(document, Mapping) and isinstance(document.get("elements"), list)


def kumu_json_tables(document: Mapping[str, Any], *, label: str) -> list[RawTable]:
    """Organizations and ties from a Kumu blueprint (LINE = position in its list + 1)."""
    elements = document.get("elements") or []
    connections = document.get("connections") or []
    if not all(isinstance(item, Mapping) for item in [*elements, *connections]):
        return [unreadable(label, 1, "every element and connection must be a JSON object")]
    return _tables(
        f"{label}[elements]",
        list(enumerate(elements, start=2)),
        f"{label}[connections]",
        list(enumerate(connections, start=2)),
    )


def has_kumu_sheets(sheet_names: Sequence[str]) -> bool:
    """Whether an XLSX workbook is a Kumu spreadsheet."""
    return fold(ELEMENTS_SHEET) in {fold(n) for n in sheet_names}


#: A workbook whose members would inflate past this many bytes is refused unopened.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")


def is_kumu_workbook(path: Path) -> bool:
    """Whether an XLSX file has an ``Elements`` sheet, read from its small workbook part only."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 10 * 1024 * 1024:
                return False
            names = [
                html.unescape(m.decode("utf-8")) for m in _SHEET_NAME.findall(archive.read(info))
            ]
    except (
        OSError,
        KeyError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
        zlib.error,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ):
        return False
    return has_kumu_sheets(names)


def read_kumu_xlsx(path: Path) -> list[RawTable]:
    """Organizations and ties from a Kumu spreadsheet (LINE = spreadsheet row)."""
    import openpyxl  # imported here: only XLSX input needs it

    label = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        return [unreadable(label, 0, f"not a readable XLSX workbook: {error}")]
    if inflated > MAX_UNCOMPRESSED:
        return [unreadable(label, 0, "XLSX workbook too large once uncompressed (over 512 MB)")]
    found: dict[str, list[Record]] = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = {fold(name): name for name in book.sheetnames}
            for wanted in (ELEMENTS_SHEET, CONNECTIONS_SHEET):
                name = sheets.get(fold(wanted))
                found[wanted] = [] if name is None else _sheet_records(book[name])
        finally:
            book.close()
    except Exception as error:  # a hostile or broken file may fail anywhere inside openpyxl
        return [unreadable(label, 0, f"not a readable XLSX workbook: {str(error)[:200]}")]
    return _tables(
        f"{label}[{ELEMENTS_SHEET}]",
        found[ELEMENTS_SHEET],
        f"{label}[{CONNECTIONS_SHEET}]",
        found[CONNECTIONS_SHEET],
    )


_KUMU_KEYS = {"id", "label", "type", "tags", "from", "to", "direction", "description"}


def _sheet_records(sheet: Any) -> list[Record]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    records: list[Record] = []
    for number, values in enumerate(rows, start=2):
        if all(v in (None, "") for v in values):
            continue
        records.append(
            (
                number,
                {n: v for n, v in zip(names, values, strict=False) if n and v not in (None, "")},
            )
        )
    return records


def _tables(
    elements_label: str,
    elements: list[Record],
    connections_label: str,
    connections: list[Record],
) -> list[RawTable]:
    orgs: list[Record] = []
    by_label: dict[str, str] = {}
    for line, element in elements:
        record = _renamed(element, _ELEMENT_FIELDS, ORGANIZATION_COLUMNS)
        record.pop("direction", None)
        if not record.get("id") and record.get("name"):
            record["id"] = auto_id(str(record["name"]), str(record.get("city") or ""))
        if record.get("name"):
            by_label.setdefault(str(record["name"]), str(record.get("id", "")))
        orgs.append((line, record))
    ids = {str(record.get("id", "")) for _, record in orgs}
    ties: list[Record] = []
    for line, connection in connections:
        record = _renamed(connection, _CONNECTION_FIELDS, TIE_COLUMNS)
        record.pop("direction", None)  # the tie type says it
        for end in ("source", "target"):
            value = str(record.get(end, ""))
            if value not in ids and value in by_label:
                record[end] = by_label[value]
        ties.append((line, record))
    return [
        records_table(elements_label, ORGANIZATIONS, orgs),
        records_table(connections_label, TIES, ties),
    ]


def _renamed(
    item: Mapping[str, Any], fields: Mapping[str, str], columns: tuple[str, ...]
) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in item.items():
        lowered = str(key).strip().lower()
        if lowered in fields:
            record[fields[lowered]] = value
        elif lowered == "direction":
            record["direction"] = value
        elif str(key) in columns and str(key) not in fields.values():
            record[str(key)] = value
        else:
            record[str(key)] = value
    return record


def _columns(records: list[dict[str, Any]], first: list[str]) -> list[str]:
    columns = list(first)
    for record in records:
        columns.extend(k for k in record if k not in columns)
    return columns
