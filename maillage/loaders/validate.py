"""Check every raw row against the model and turn the valid ones into canonical values."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from maillage.ground.regions import region_code
from maillage.ground.vocabulary import organization_type, tie_type, visibility
from maillage.loaders.countries import country_code
from maillage.loaders.problems import Problem
from maillage.loaders.tables import RawRow, RawTable

_V = TypeVar("_V")
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")
#: No coded value (type, region, country, number, date, visibility) is longer than this;
#: longer cells are refused before parsing, so a huge cell costs no fuzzy matching.
_MAX_CODED_LENGTH = 200
#: How much of a cell a problem message quotes.
_SHOWN_LENGTH = 60


#: Cell texts meaning "no value", recognized by default (compared case-insensitively);
#: ``--na`` replaces them. An empty cell is always missing.
MISSING_MARKERS: Final = ("NA", "N/A", "N.A.", "-", "--", "s.o.", "s/o", "n.d.", "null", "none")
#: Cell texts clearing a field (an empty cell keeps what the store holds).
CLEAR_MARKERS: Final = ("<clear>", "<vide>", "<effacer>")


@dataclass
class Validated:
    """Valid rows as canonical dicts, every problem found, and notices.

    Each row also carries where it is (``_file``, ``_line``), the columns its file has
    (``_given``) and the fields its cells clear (``_cleared``): the ledger needs them.
    """

    organizations: list[dict[str, Any]] = field(default_factory=list)
    ties: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: False when a whole file is unusable, so even ``--skip-invalid`` must refuse the load.
    usable: bool = True
    #: What was done without refusing anything (identical rows collapsed, ...).
    notices: list[str] = field(default_factory=list)


class _Row:
    """Collects the problems of one row while its cells are converted."""

    def __init__(self, label: str, raw: RawRow, problems: list[Problem]) -> None:
        self.label, self.raw, self.problems = label, raw, problems
        self.valid = True

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.label, self.raw.line, column, message))
        self.valid = False

    def text(self, column: str) -> str:
        return self.raw.cells.get(column, "")

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.problem(column, "required value is missing")
        return value

    def convert_required(self, column: str, parse: Callable[[str], Any], hint: str) -> Any:
        return self.convert(column, parse, hint) if self.required(column) else None

    def convert(self, column: str, parse: Callable[[str], Any], hint: str) -> Any:
        value = self.text(column)
        if not value:
            return None
        result = None
        if len(value) <= _MAX_CODED_LENGTH:
            try:
                result = parse(value)
            except (ValueError, OverflowError):
                # A parser choking on odd text (``int("²")``) means the text is not valid.
                result = None
        if result is None:
            self.problem(column, f"{shown(value)} is not {hint}")
        return result


def shown(value: str) -> str:
    """A cell as quoted in a problem: repr'd (one line), long ones cut short.

    >>> shown("Montréal"), shown("x" * 100)
    ("'Montréal'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100 characters)")
    >>> shown("a\\nb")
    "'a\\\\nb'"
    """
    if len(value) <= _SHOWN_LENGTH:
        return repr(value)
    return f"{value[: _SHOWN_LENGTH - 4] + '…'!r} ({len(value)} characters)"


def validate(
    tables: Iterable[RawTable],
    *,
    known_ids: Callable[[set[str]], set[str]] | None = None,
    missing: Iterable[str] | None = None,
) -> Validated:
    """Validate organizations first, then ties against them and ``known_ids``.

    ``known_ids`` answers which ids the store already knows: ties may name them, and a
    row of a known organization may leave its name and type out (it updates). Cells
    holding a ``missing`` marker (:data:`MISSING_MARKERS` by default) are empty.
    """
    markers = MISSING_MARKERS if missing is None else tuple(missing)
    return _validate(list(tables), known_ids, frozenset(m.strip().casefold() for m in markers))


def _validate(
    tables: list[RawTable],
    known_ids: Callable[[set[str]], set[str]] | None,
    markers: frozenset[str],
) -> Validated:
    result = Validated()
    cleared: dict[int, list[str]] = {}
    given: dict[int, tuple[str, ...]] = {}
    for table in tables:
        result.problems.extend(table.problems)
        result.usable &= table.readable
        given[id(table)] = _markers(table, markers, cleared)
    org_tables = [t for t in tables if t.kind == "organizations"]
    incomplete = {
        raw.cells.get("id", "")
        for table in org_tables
        for raw in table.rows
        if not (raw.cells.get("name") or raw.extras.get("legal_name")) or not raw.cells.get("type")
    }
    updatable = known_ids(incomplete - {""}) if known_ids and incomplete else set()
    first_seen: dict[str, tuple[str, RawRow]] = {}
    for table in org_tables:
        # A file that creates organizations needs their name and type columns (rows of
        # known organizations, or with a strong identifier, may leave them out).
        creating = [
            raw
            for raw in table.rows
            if raw.cells.get("id", "") not in updatable and not _identifies(raw)
        ]
        named = all(raw.extras.get("legal_name") for raw in creating)
        required = ("id", *(() if named else ("name",)), *(("type",) if creating else ()))
        _check_columns(table, required, result)
        for raw in table.rows:
            org = _organization(
                table.label, raw, result, first_seen, updatable,
                _where(table.label, raw, given[id(table)], cleared.get(id(raw), [])),
            )  # fmt: skip
            if org is not None:
                result.organizations.append(org)
    tie_tables = [t for t in tables if t.kind == "ties"]
    referenced = {
        raw.cells.get(column, "")
        for table in tie_tables
        for raw in table.rows
        for column in ("source", "target")
    }
    loaded = {org["id"] for org in result.organizations}
    existing = loaded | (known_ids(referenced - loaded) if known_ids else set())
    seen_ties: dict[tuple[str, str, str, str], tuple[str, RawRow]] = {}
    unknown: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for table in tie_tables:
        _check_columns(table, ("source", "target", "type"), result)
        for raw in table.rows:
            where = _where(table.label, raw, given[id(table)], cleared.get(id(raw), []))
            tie = _tie(table.label, raw, result, existing, seen_ties, unknown, where)
            if tie is not None:
                result.ties.append(tie)
    # One cause, one message: an unknown organization named on many rows is one problem.
    for (column, org_id), places in unknown.items():
        label, line = places[0]
        more = f" (and {len(places) - 1} more rows)" if len(places) > 1 else ""
        result.problems.append(
            Problem(label, line, column, f"unknown organization {shown(org_id)}{more}")
        )
    result.problems.sort(key=lambda p: (p.file, p.line))
    return result


_CLEARING: Final = frozenset(CLEAR_MARKERS)


def _markers(
    table: RawTable, markers: frozenset[str], cleared: dict[int, list[str]]
) -> tuple[str, ...]:
    """Empty the cells holding a missing-value marker, and those holding a clear marker
    (noting their fields in ``cleared``, by row); returns the table's columns."""
    longest = max((len(m) for m in (*markers, *_CLEARING)), default=0) + 2
    columns: dict[str, None] = {}
    seen: set[tuple[str, ...]] = set()
    for raw in table.rows:
        for cells, prefix in ((raw.cells, ""), (raw.extras, "properties.")):
            names = tuple(cells)
            if names not in seen:  # rows of one file share their columns: once each
                seen.add(names)
                columns.update(dict.fromkeys(names))
            for key, value in cells.items():
                if not value or len(value) > longest:
                    continue
                word = value.strip().casefold()
                if word in markers:
                    cells[key] = ""
                elif word in _CLEARING:
                    cells[key] = ""
                    cleared.setdefault(id(raw), []).append(prefix + key)
    return tuple(columns)


def _check_columns(table: RawTable, required: tuple[str, ...], result: Validated) -> None:
    if not table.rows:
        return
    present = set().union(*(raw.cells for raw in table.rows))
    for column in required:
        if column not in present:
            result.problems.append(Problem(table.label, 1, column, "required column is missing"))
            result.usable = False


def _where(label: str, raw: RawRow, given: tuple[str, ...], cleared: list[str]) -> dict[str, Any]:
    return {"_file": label, "_line": raw.line, "_given": given, "_cleared": cleared}


def _organization(
    label: str,
    raw: RawRow,
    result: Validated,
    first_seen: dict[str, tuple[str, RawRow]],
    updatable: set[str],
    where: dict[str, Any],
) -> dict[str, Any] | None:
    row = _Row(label, raw, result.problems)
    org_id = row.required("id")
    if org_id in updatable or _identifies(raw):
        # A known organization (or one a strong identifier may name): the row updates it,
        # and the ledger checks that a new organization gets a name and a type.
        name = row.text("name")
        kind = row.convert("type", _ORGANIZATION_TYPE, "an organization type")
    else:
        name = row.text("name")
        if not name and not raw.extras.get("legal_name"):
            row.problem("name", "required value is missing")
        kind = row.convert_required("type", _ORGANIZATION_TYPE, "an organization type")
    if org_id:
        if org_id in first_seen:
            first_label, first_raw = first_seen[org_id]
            if (first_raw.cells, first_raw.extras) == (raw.cells, raw.extras):
                result.notices.append(
                    f"{label}:{raw.line}: the same row as {first_label}:{first_raw.line}, "
                    "counted once"
                )
                return None
            row.problem(
                "id",
                f"duplicate id {shown(org_id)}, first given on {first_label}:{first_raw.line}",
            )
        else:
            first_seen[org_id] = (label, raw)
    org = {
        "id": org_id,
        "name": name or None,
        "type": kind,
        "legal_form": row.text("legal_form") or None,
        "sector": row.text("sector") or None,
        "region": row.convert("region", region_code, "a Québec region code (01–17) or name"),
        "city": row.text("city") or None,
        "country": row.convert("country", country_code, "an ISO 3166 country code"),
        "lat": row.convert("lat", _LATITUDE, "a latitude in degrees"),
        "lon": row.convert("lon", _LONGITUDE, "a longitude in degrees"),
        "website": row.text("website") or None,
        "founded": row.convert("founded", _YEAR, "a year"),
        "members": row.convert("members", _COUNT, "a whole number ≥ 0"),
        "employees": row.convert("employees", _COUNT, "a whole number ≥ 0"),
        "tags": _tags(row.text("tags")),
        # No default here: a row without a visibility must not make a private one public
        # (the ledger gives "public" to an organization no source gave one).
        "visibility": row.convert("visibility", _VISIBILITY, "public, members or private"),
        "properties": {k: v for k, v in raw.extras.items() if v != ""},
        **where,
    }
    return org if row.valid else None


def _identifies(raw: RawRow) -> bool:
    """Whether a row carries a strong identifier (an NEQ, as its id or in a column)."""
    org_id = raw.cells.get("id", "")
    neq = raw.extras.get("neq") or raw.extras.get("NEQ") or ""
    return bool(re.fullmatch(r"\d{10}", org_id) or re.sub(r"\D", "", neq))


def _tie(
    label: str,
    raw: RawRow,
    result: Validated,
    existing: set[str],
    seen: dict[tuple[str, str, str, str], tuple[str, RawRow]],
    unknown: dict[tuple[str, str], list[tuple[str, int]]],
    where: dict[str, Any],
) -> dict[str, Any] | None:
    row = _Row(label, raw, result.problems)
    source = row.required("source")
    target = row.required("target")
    for column, org_id in (("source", source), ("target", target)):
        if org_id and org_id not in existing:
            unknown.setdefault((column, org_id), []).append((label, raw.line))
            row.valid = False
    if source and source == target:
        row.problem("target", "a tie cannot join an organization to itself")
    kind = row.convert_required("type", _TIE_TYPE, "a tie type")
    since = row.convert("since", _SINCE, "a date (YYYY, YYYY-MM, YYYY-MM-DD)")
    until = row.convert("until", _UNTIL, "a date (YYYY, YYYY-MM, YYYY-MM-DD)")
    if since and until and until < since:
        row.problem("until", f"ends ({until}) before it starts ({since})")
    weight = row.convert("weight", _WEIGHT, "a positive number")
    tie = {
        "source": source,
        "target": target,
        "type": kind,
        "weight": weight,
        "since": since,
        "until": until,
        "visibility": row.convert("visibility", _VISIBILITY, "public, members or private"),
        "source_ref": row.text("source_ref") or None,
        "note": row.text("note") or None,
        "properties": {k: v for k, v in raw.extras.items() if v != ""},
        **where,
    }
    if row.valid:
        key = (source, target, str(kind), since or "")
        if key in seen:
            first_label, first_raw = seen[key]
            if (first_raw.cells, first_raw.extras) == (raw.cells, raw.extras):
                result.notices.append(
                    f"{label}:{raw.line}: the same row as {first_label}:{first_raw.line}, "
                    "counted once"
                )
                return None
            row.problem(
                "-",
                f"the same tie (source, target, type, since) is on {first_label}:{first_raw.line}",
            )
        else:
            seen[key] = (label, raw)
    return tie if row.valid else None


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_between(
    low: float, high: float, *, open_low: bool = False
) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        value = _number(text)
        if value is None or value > high or value < low or (open_low and value == low):
            return None
        return value

    return parse


def _whole_between(low: int, high: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        value = _number(text)
        if value is None or not value.is_integer() or not low <= value <= high:
            return None
        return int(value)

    return parse


def _date(text: str, *, end: bool) -> str | None:
    """An ISO date; a bare year or month means its first day, or its last when ``end``.

    >>> _date("2015", end=False), _date("2015", end=True), _date("2016-02", end=True)
    ('2015-01-01', '2015-12-31', '2016-02-29')
    >>> _date("31/12/2015", end=False) is None
    True
    """
    match = _DATE.match(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    if match.group(3):
        day = int(match.group(3))
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _cached(parse: Callable[[str], _V]) -> Callable[[str], _V]:
    """``parse`` remembering its answers: a column holds few distinct codes and dates, and
    parsing each cell anew was over a quarter of validating a Québec-scale workbook."""
    return functools.lru_cache(maxsize=1 << 16)(parse)


_ORGANIZATION_TYPE = _cached(organization_type)
_TIE_TYPE = _cached(tie_type)
_VISIBILITY = _cached(visibility)
_SINCE = _cached(functools.partial(_date, end=False))
_UNTIL = _cached(functools.partial(_date, end=True))
_WEIGHT = _cached(_number_between(0, math.inf, open_low=True))
_LATITUDE = _cached(_number_between(-90, 90))
_LONGITUDE = _cached(_number_between(-180, 180))
_YEAR = _cached(_whole_between(1500, 2100))
_COUNT = _cached(_whole_between(0, 10**9))


def _tags(text: str) -> str | None:
    tags = [t.strip() for t in re.split(r"[|;]", text) if t.strip()]
    return "|".join(tags) if tags else None
