"""Canonical frames built in NumPy from the columns a store reads, when its values allow."""

# ``organizations_frame`` and ``ties_frame`` put anything in canonical shape with pandas
# operations per column: an ego read around a hub spent 30-45 ms in them. What a store
# wrote is already canonical, so its columns are checked (one pass each) and put in place;
# a value the store would not have written (a property set by hand in Neo4j Browser, a
# cell edited in the SQLite file) returns None, and the caller takes the general path.
# tests/queries/test_frames.py holds both paths to the same answers.

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from maillage.ground.tables import INTEGER_COLUMNS, REAL_COLUMNS, as_properties
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS

#: The largest integer a float holds exactly: the general path goes through floats.
_EXACT_INT = 2**53
TEXT: Final[frozenset[type]] = frozenset({str, type(None)})
STRING: Final[frozenset[type]] = frozenset({str})
_WHOLE: Final[frozenset[type]] = frozenset({int, type(None)})
_REAL: Final[frozenset[type]] = frozenset({float, int, type(None)})
#: Text columns kept as they are read (visibility and country have rules of their own).
_ORGANIZATION_TEXT: Final = tuple(
    c
    for c in ORGANIZATION_COLUMNS
    if c not in (*INTEGER_COLUMNS, *REAL_COLUMNS, "visibility", "country")
)
_TIE_TEXT: Final = ("since", "until", "source_ref", "note")


def organizations(
    columns: Mapping[str, Sequence[Any]], visibility: np.ndarray
) -> pd.DataFrame | None:
    """Organizations as ``organizations_frame`` shapes them, from their columns (those of
    ``ORGANIZATION_COLUMNS`` and ``properties``, rows in any order) and their visibilities
    (words, already checked); None when a value needs the general rules.

    >>> columns = {c: [None, None] for c in ORGANIZATION_COLUMNS}
    >>> columns.update(id=["b", "a"], type=["network", "international_partner"],
    ...                founded=[1990, None], properties=["{}", '{"x": 1}'])
    >>> orgs = organizations(columns, np.array(["public", "members"], dtype=object))
    >>> orgs[["id", "visibility", "country", "founded"]].values.tolist()
    [['a', 'members', None, <NA>], ['b', 'public', 'CA', 1990]]
    >>> organizations({**columns, "name": [5, "B"]}, np.array(["public"] * 2)) is None
    True
    """
    ids = columns["id"]
    if not (
        ids
        and only(STRING, ids)
        and all(only(TEXT, columns[c]) for c in (*_ORGANIZATION_TEXT, "country", "properties"))
        and all(only(_REAL, columns[c]) for c in REAL_COLUMNS)
        and all(only(_WHOLE, columns[c]) for c in INTEGER_COLUMNS)
    ):
        return None
    # Whole numbers through floats (None becomes NaN), as exact as the general path's.
    wholes = {name: np.array(columns[name], dtype=float) for name in INTEGER_COLUMNS}
    if any((np.abs(numbers) >= _EXACT_INT).any() for numbers in wholes.values()):
        return None
    order = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)
    frame: dict[str, Any] = {name: objects(columns[name])[order] for name in _ORGANIZATION_TEXT}
    frame["visibility"] = visibility[order]
    # Québec is the default home; a multinational network may have no seat country.
    frame["country"] = objects(
        [
            "CA" if country is None and kind != "international_partner" else country
            for country, kind in zip(columns["country"], columns["type"], strict=True)
        ]
    )[order]
    for name, numbers in wholes.items():
        missing = np.isnan(numbers)[order]
        frame[name] = pd.arrays.IntegerArray(
            np.nan_to_num(numbers[order]).astype(np.int64), missing
        )
    for name in REAL_COLUMNS:
        frame[name] = np.array(columns[name], dtype=float)[order]  # None becomes NaN
    frame["properties"] = objects(properties(columns["properties"]))[order]
    return table(frame, [*ORGANIZATION_COLUMNS, "properties"])


def ties(columns: Mapping[str, Any], order: np.ndarray | None) -> pd.DataFrame | None:
    """Ties as ``ties_frame`` shapes them, from their columns (those of ``TIE_COLUMNS``
    and ``properties``; source, target, type and visibility as object arrays of words,
    already checked) and their order (None: the rows are in it); None when a value needs
    the general rules.

    >>> words = lambda *values: np.array(values, dtype=object)
    >>> columns = {"source": words("a", "a"), "target": words("c", "b"),
    ...            "type": words("partner", "funds"), "visibility": words("public", "public"),
    ...            "weight": [None, 2], "since": [None, "2020-01-01"], "until": [None, None],
    ...            "source_ref": [None, None], "note": [None, None], "properties": [None, "{}"]}
    >>> ties(columns, np.array([1, 0]))[["target", "weight", "since"]].values.tolist()
    [['b', 2.0, '2020-01-01'], ['c', 1.0, None]]
    """
    if not (
        all(only(TEXT, columns[c]) for c in (*_TIE_TEXT, "properties"))
        and only(_REAL, columns["weight"])
    ):
        return None
    rows = slice(None) if order is None else order
    frame: dict[str, Any] = {
        name: columns[name][rows] for name in ("source", "target", "type", "visibility")
    }
    for name in _TIE_TEXT:
        frame[name] = objects(columns[name])[rows]
    weights = np.array(columns["weight"], dtype=float)[rows]  # None becomes NaN
    frame["weight"] = np.where(np.isnan(weights), 1.0, weights)
    frame["properties"] = objects(properties(columns["properties"]))[rows]
    return table(frame, [*TIE_COLUMNS, "properties"])


def table(columns: Mapping[str, Any], order: Sequence[str]) -> pd.DataFrame:
    """A frame of the arrays in ``columns``, in ``order``, object arrays kept as objects.

    The object columns go in as one two-dimensional block, which pandas keeps as it is
    (a frame built column by column copies them into such a block; a plain constructor
    would make text columns of them); the others are inserted after.
    """
    shared = [name for name in order if columns[name].dtype == object]
    count = len(columns[order[0]])
    block = np.vstack([columns[name] for name in shared]) if shared else np.empty((0, count))
    frame = pd.DataFrame(block.T, columns=shared, dtype=object, copy=False)
    for position, name in enumerate(order):
        if name not in shared:
            frame.insert(position, name, columns[name])
    return frame


def objects(values: Sequence[Any]) -> np.ndarray:
    """Values as a one-dimensional object array (never inferred as text or numbers)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def only(types: frozenset[type], values: Iterable[Any]) -> bool:
    """Whether every value is of one of ``types`` (exactly: no subclasses)."""
    return set(map(type, values)) <= types


def properties(texts: Sequence[str | None]) -> list[dict[str, Any]]:
    """The ``properties`` dicts of JSON texts, each row its own dict.

    Rows share few distinct texts (``{}`` above all): each is parsed once, and its dict
    copied per row when its values are plain (a nested list or dict is parsed anew, so
    that no two rows share it).

    >>> properties(['{"a": 1}', None, '{"a": 1}'])
    [{'a': 1}, {}, {'a': 1}]
    """
    parsed: dict[str | None, dict[str, Any] | None] = {}
    for text in set(texts):
        flat = as_properties(text)
        nested = any(isinstance(v, list | dict) for v in flat.values())
        parsed[text] = None if nested else flat
    if all(p == {} for p in parsed.values()):  # none has any (ties, mostly): a third of the time
        return [{} for _ in texts]
    if all(p is not None for p in parsed.values()):
        return list(map(dict, map(parsed.__getitem__, texts)))  # type: ignore[arg-type]
    return [
        dict(known) if (known := parsed[text]) is not None else as_properties(text)
        for text in texts
    ]
