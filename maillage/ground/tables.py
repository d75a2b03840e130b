"""The contract's two tables, organizations and ties, in the canonical shape every room uses."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS

#: Organization columns holding whole numbers (nullable).
INTEGER_COLUMNS = ("founded", "members", "employees")
#: Organization columns holding real numbers (NaN when missing).
REAL_COLUMNS = ("lat", "lon")

#: Called with (rows done, rows in all) while a load runs.
Progress = Callable[[int, int], None]


def organizations_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Organizations in canonical shape: contract columns, dtypes, sorted by id.

    >>> orgs = organizations_frame([{"id": "b", "name": "B", "type": "network"},
    ...                             {"id": "a", "name": "A", "type": "enterprise"}])
    >>> list(orgs["id"]), orgs.loc[0, "visibility"], orgs.loc[0, "properties"]
    (['a', 'b'], 'public', {})
    """
    orgs = _table(rows)
    for column in (*ORGANIZATION_COLUMNS, "properties"):
        if column not in orgs.columns:
            orgs[column] = None
    orgs["visibility"] = orgs["visibility"].fillna("public")
    # Québec is the default home; a multinational network may have no seat country.
    domestic = orgs["type"] != "international_partner"
    orgs["country"] = orgs["country"].where(orgs["country"].notna() | ~domestic, "CA")
    orgs["properties"] = pd.Series([as_properties(p) for p in orgs["properties"]], dtype=object)
    for column in INTEGER_COLUMNS:
        orgs[column] = pd.to_numeric(orgs[column], errors="coerce").astype("Int64")
    for column in REAL_COLUMNS:
        orgs[column] = pd.to_numeric(orgs[column], errors="coerce").astype("float64")
    text_columns = [
        c for c in ORGANIZATION_COLUMNS if c not in INTEGER_COLUMNS and c not in REAL_COLUMNS
    ]
    for column in text_columns:
        orgs[column] = _text(orgs[column])
    orgs = orgs[[*ORGANIZATION_COLUMNS, "properties"]]
    return orgs.sort_values("id", kind="stable").reset_index(drop=True)


def ties_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Ties in canonical shape: contract columns, dtypes, sorted by identity.

    >>> ties = ties_frame([{"source": "a", "target": "b", "type": "partner"}])
    >>> ties.loc[0, "weight"], ties.loc[0, "since"], ties.loc[0, "visibility"]
    (np.float64(1.0), None, 'public')
    """
    ties = _table(rows)
    for column in (*TIE_COLUMNS, "properties"):
        if column not in ties.columns:
            ties[column] = None
    ties["visibility"] = ties["visibility"].fillna("public")
    ties["weight"] = pd.to_numeric(ties["weight"], errors="coerce").fillna(1.0).astype("float64")
    ties["properties"] = pd.Series([as_properties(p) for p in ties["properties"]], dtype=object)
    for column in TIE_COLUMNS:
        if column != "weight":
            ties[column] = _text(ties[column])
    ties = ties[[*TIE_COLUMNS, "properties"]]
    sort_since = ties["since"].fillna("")
    ordered = ties.assign(_since=sort_since).sort_values(
        ["source", "target", "type", "_since"], kind="stable"
    )
    return ordered.drop(columns="_since").reset_index(drop=True)


def since_key(since: str | None) -> str:
    """The ``since`` part of a tie's identity: missing dates compare equal.

    >>> since_key(None), since_key("2015-01-01")
    ('', '2015-01-01')
    """
    return since or ""


def properties_json(properties: Mapping[str, Any]) -> str:
    """Extra properties as canonical JSON (sorted keys, UTF-8 kept)."""
    if not properties:
        return "{}"
    return json.dumps(dict(properties), ensure_ascii=False, sort_keys=True)


def plain_value(value: Any) -> Any:
    """A value SQLite, JSON and drivers accept: numpy/pandas scalars unwrapped, missing as None.

    >>> import numpy as np
    >>> plain_value(np.int64(3)), plain_value(float("nan")), plain_value(pd.NA)
    (3, None, None)
    """
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text(values: pd.Series) -> pd.Series:
    """Text cells as Python strings, missing ones as None, in an object column."""
    present = values.notna().tolist()
    cells = values.astype(object).tolist()
    text = [
        (v if v.__class__ is str else str(v)) if ok else None
        for v, ok in zip(cells, present, strict=True)
    ]
    return pd.Series(text, index=values.index, dtype=object)


def _table(rows: Any) -> pd.DataFrame:
    table = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return table.reset_index(drop=True)


def as_properties(value: Any) -> dict[str, Any]:
    """A row's extra properties as a dict of its own: a mapping copied, JSON text parsed
    (anything but a JSON object, and no value, give an empty dict).

    >>> as_properties('{"a": 1}'), as_properties(None), as_properties("[1]")
    ({'a': 1}, {}, {})
    """
    if value.__class__ is dict or isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return dict(loaded) if isinstance(loaded, Mapping) else {}
    return {}
