"""The Solidarity Economy Association's standard CSV (ESSGlobal URIs), in.

Used by the DigitalCommons open-data maps (e.g. Co-operatives UK's worker co-ops): one row
per initiative with ``Identifier``, ``Name``, ``Organisational Structure`` and ``Primary
Activity`` as ESSGlobal vocabulary URIs, ``Legal Form``, address columns, ``Country ID``,
``Latitude``/``Longitude``, registrar numbers. Known exports repeat a header (``Legal Form
Subcategory 1``); the mapping path suffixes it (``.1``) instead of refusing the file.

Every row is an ``enterprise`` except ESSGlobal's community groups (OS10), which become
``community_group``. The ESSGlobal codes (``OS50``, ``ICA280``, ``BMT30``) are kept as
properties; their labels are not bundled (the vocabularies were not available offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from maillage.ground.vocabulary import fold
from maillage.loaders.mapping import Mapping, read_mapped
from maillage.loaders.tables import RawTable

#: Headers that together say "this is an SEA standard CSV".
SIGNATURE: Final = ("identifier", "name", "organisational_structure", "primary_activity")

SEA_MAPPING: Final = Mapping.from_dict(
    {
        "auto_columns": False,
        "columns": {
            "id": "Identifier",
            "name": "Name",
            "legal_form": "Legal Form",
            "sector": "Sector",
            "city": "Locality",
            "country": "Country ID",
            "lat": "Latitude",
            "lon": "Longitude",
            "website": "Website",
            "founded": "Incorporation Date",
            "postal_code": "Postcode",
        },
        "constants": {"type": "enterprise"},
        "transforms": {"founded": "year"},
    }
)
_CODE_COLUMNS: Final = ("Organisational Structure", "Primary Activity", "Membership Type")


def is_sea_standard(headers: Sequence[str]) -> bool:
    """Whether a CSV header row is the SEA standard one.

    >>> is_sea_standard(["Identifier", "Name", "Organisational Structure", "Primary Activity"])
    True
    >>> is_sea_standard(["id", "name", "type"])
    False
    """
    return set(SIGNATURE) <= {fold(h) for h in headers}


def read_sea_csv(path: Path, *, label: str | None = None) -> list[RawTable]:
    """Organizations of an SEA standard CSV, ESSGlobal codes kept as properties."""
    tables = read_mapped(path, SEA_MAPPING, label=label)
    for table in tables:
        for row in table.rows:
            for column in _CODE_COLUMNS:
                uri = row.extras.get(column, "")
                if uri:
                    row.extras[f"essglobal_{fold(column)}"] = uri.rstrip("/").rsplit("/", 1)[-1]
            if row.extras.get("essglobal_organisational_structure") == "OS10":
                row.cells["type"] = "community_group"
    return tables


def first_row(path: Path, *, limit: int = 65_536) -> list[str]:
    """The header cells of a delimited text file, read from its first bytes only."""
    import csv
    import io

    from maillage.loaders.text import UndecodableText, decode, sniff_delimiter

    try:
        with path.open("rb") as handle:
            head = handle.read(limit)
        text, _ = decode(head)
    except (OSError, UndecodableText):
        return []
    line = next((part for part in text.splitlines() if part.strip()), "")
    try:
        return next(csv.reader(io.StringIO(line), delimiter=sniff_delimiter(line)), [])
    except csv.Error:
        return []
