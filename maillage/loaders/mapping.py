"""Foreign tables (member lists, registry extracts, other maps' exports) read through a mapping.

A mapping says which source column holds each contract column, gives constants and value
maps, and may turn every row into a tie (a member list becomes ``member_of`` ties to its
network). The mapped rows are plain :class:`~loaders.tables.RawTable` rows carrying the line
numbers of the original file, so they go through the same validation as a workbook and every
problem reads ``FILE:LINE: column: message``.

Mapping file format (TOML, read with the standard library's ``tomllib``)::

    # every row becomes a member_of tie to this organization (it must exist or be loaded too)
    member_of = "pole-ess-montreal"
    id_prefix = "auto-"          # prefix of ids made for rows without one (default "auto-")
    auto_columns = true          # unmapped headers that already name a contract column
                                 # (Nom, Ville, Région, ...) are used as such (default true)
    keep_other_columns = true    # other columns are kept as properties (default true)
    infer_region = true          # region from city or postal code when missing (default true)
    sheet = "Membres"            # XLSX only: the sheet to read (default: the first)
    na = ["NA", "N/A", "-", "s.o."]   # cells meaning "no value" (this is the default list,
                                 # with n.d., --, null, none); empty cells always are

    [columns]                    # contract column (or postal_code, address) = source header
    id = "NEQ"
    name = "Nom de l'organisme"
    legal_form = "Forme juridique"
    city = "Ville"
    postal_code = "Code postal"
    address = "Adresse"

    [constants]                  # used where the mapped cell is empty or the column unmapped;
    type = "enterprise"          # a file column of the same name is then not used for it
                                 # (it stays a property), unless [columns] maps it

    [values.legal_form]          # source value (matched case- and accent-insensitively,
    "cooperative-de-solidarite" = "cooperative"   # or by the last segment of a URI) = value
    "*" = "other"                # optional: any other non-empty value

    [transforms]                 # year | upper | lower | last_segment | first
    founded = "year"

    [[links]]                    # a column naming another organization: one tie per row
    column = "ssedas_partner"
    tie = "partner"
    direction = "from"           # "from": named organization → row; "to": row → named one
    organization_type = "international_partner"   # create it with this type ("" = must exist)
    id_prefix = "ssedas-"
    ignore = ["yes"]             # values meaning "unknown": no tie

Rows without an id get ``auto-`` plus a hash of their normalized name and city, so loading the
same list twice gives the same ids and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, fold, organization_type, tie_type
from maillage.loaders.countries import country_code, country_from_postal_code, resolve_country
from maillage.loaders.places import infer_region, postal_code
from maillage.loaders.problems import Problem
from maillage.loaders.tables import (
    ORGANIZATIONS,
    TIES,
    RawRow,
    RawTable,
    canonical_header,
    csv_records,
    unreadable,
)
from maillage.loaders.validate import MISSING_MARKERS, Validated, validate

#: Mapped keys that are not contract columns but help: kept as properties (``neq`` and
#: ``legal_name`` are the register's number and name), used for regions.
HELPER_COLUMNS = ("postal_code", "address", "country_text", "neq", "legal_name")
TRANSFORMS = ("year", "upper", "lower", "last_segment", "first")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")


class MappingError(ValueError):
    """A mapping file or option a user must fix."""


@dataclass(frozen=True)
class Link:
    """A source column naming another organization: each row gets one tie to or from it."""

    column: str
    tie: str = "partner"
    #: ``from``: the named organization is the tie's source; ``to``: the row is.
    direction: str = "from"
    #: Type for the named organizations, created from their names; "" = ids that must exist.
    organization_type: str = "network"
    id_prefix: str = ""
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """How a foreign table becomes organizations (and ties). See the module docstring."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    transforms: dict[str, str] = field(default_factory=dict)
    member_of: str | None = None
    links: tuple[Link, ...] = ()
    id_prefix: str = "auto-"
    auto_columns: bool = True
    keep_other_columns: bool = True
    infer_region: bool = True
    sheet: str | None = None
    #: Cell texts meaning "no value" (compared case-insensitively).
    missing: tuple[str, ...] = MISSING_MARKERS

    def __post_init__(self) -> None:
        allowed = set(ORGANIZATION_COLUMNS) | set(HELPER_COLUMNS)
        for key in (*self.columns, *self.constants, *self.values, *self.transforms):
            if key not in allowed:
                raise MappingError(
                    f"{key!r} is not an organization column; use one of "
                    + ", ".join(sorted(allowed))
                )
        for key, name in self.transforms.items():
            if name not in TRANSFORMS:
                raise MappingError(
                    f"unknown transform {name!r} for {key}; use one of {', '.join(TRANSFORMS)}"
                )
        if "type" in self.constants and organization_type(self.constants["type"]) is None:
            raise MappingError(f"type = {self.constants['type']!r} is not an organization type")
        for link in self.links:
            if tie_type(link.tie) is None:
                raise MappingError(f"links: {link.tie!r} is not a tie type")
            if link.direction not in ("from", "to"):
                raise MappingError(
                    f"links: direction must be 'from' or 'to', not {link.direction!r}"
                )
            if link.organization_type and organization_type(link.organization_type) is None:
                raise MappingError(f"links: {link.organization_type!r} is not an organization type")

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> Mapping:
        """A mapping from the parsed TOML document (or the same shape built in code)."""
        known = {
            "columns", "constants", "values", "transforms", "member_of", "links",
            "id_prefix", "auto_columns", "keep_other_columns", "infer_region", "sheet", "na",
        }  # fmt: skip
        unknown = set(document) - known
        if unknown:
            raise MappingError(f"unknown mapping keys: {', '.join(sorted(unknown))}")
        try:
            links = tuple(
                Link(**{**link, "ignore": tuple(link.get("ignore", ()))})
                for link in document.get("links", ())
            )
        except TypeError as error:
            raise MappingError(f"links: {error}") from error
        values = {
            column: {_value_key(k): str(v) for k, v in table.items()}
            for column, table in document.get("values", {}).items()
        }
        return cls(
            columns={k: str(v) for k, v in document.get("columns", {}).items()},
            constants={k: str(v) for k, v in document.get("constants", {}).items()},
            values=values,
            transforms={k: str(v) for k, v in document.get("transforms", {}).items()},
            member_of=document.get("member_of") or None,
            links=links,
            id_prefix=str(document.get("id_prefix", "auto-")),
            auto_columns=bool(document.get("auto_columns", True)),
            keep_other_columns=bool(document.get("keep_other_columns", True)),
            infer_region=bool(document.get("infer_region", True)),
            sheet=document.get("sheet"),
            missing=tuple(str(m) for m in document.get("na", MISSING_MARKERS)),
        )

    @classmethod
    def from_file(cls, path: Path) -> Mapping:
        """Read a TOML mapping file."""
        try:
            with path.open("rb") as handle:
                document = tomllib.load(handle)
        except OSError as error:
            raise MappingError(f"cannot read the mapping {path}: {error.strerror}") from error
        except tomllib.TOMLDecodeError as error:
            raise MappingError(f"{path}: not a valid TOML mapping: {error}") from error
        return cls.from_dict(document)


def mapping_from_options(
    mapping_file: Path | None = None,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
    type_column: str | None = None,
    region_column: str | None = None,
    city_column: str | None = None,
    org_type: str | None = None,
    member_of: str | None = None,
    columns: Iterable[str] = (),
    constants: Iterable[str] = (),
    missing: Sequence[str] | None = None,
) -> Mapping:
    """A mapping from a file and/or command-line options (options win over the file).

    ``columns`` and ``constants`` are ``FIELD=TEXT`` pairs (``--column city=Ville``,
    ``--constant country=FR``) for any organization column; ``missing`` replaces the
    cell texts meaning "no value".

    >>> chosen = mapping_from_options(columns=["website=Site"], constants=["type=réseau"])
    >>> chosen.columns, chosen.constants
    ({'website': 'Site'}, {'type': 'réseau'})
    >>> mapping_from_options(columns=["web"])
    Traceback (most recent call last):
    maillage.loaders.mapping.MappingError: --column web: write FIELD=TEXT, e.g. city=Ville
    """
    mapping = Mapping.from_file(mapping_file) if mapping_file else Mapping()
    chosen_columns = dict(mapping.columns)
    chosen_columns.update(_pairs(columns, "--column"))
    for key, header in (
        ("id", id_column),
        ("name", name_column),
        ("type", type_column),
        ("region", region_column),
        ("city", city_column),
    ):
        if header:
            chosen_columns[key] = header
    chosen_constants = dict(mapping.constants)
    chosen_constants.update(_pairs(constants, "--constant"))
    if org_type:
        chosen_constants["type"] = org_type
    return replace(
        mapping,
        columns=chosen_columns,
        constants=chosen_constants,
        member_of=member_of or mapping.member_of,
        missing=mapping.missing if missing is None else tuple(missing),
    )


def _pairs(texts: Iterable[str], option: str) -> dict[str, str]:
    pairs = {}
    for text in texts:
        field_name, equals, value = text.partition("=")
        if not equals or not field_name.strip():
            raise MappingError(f"{option} {text}: write FIELD=TEXT, e.g. city=Ville")
        pairs[field_name.strip()] = value.strip()
    return pairs


def read_mapped(path: Path, mapping: Mapping, *, label: str | None = None) -> list[RawTable]:
    """Raw organizations (and ties) tables of a foreign file, lines as in the file."""
    label = label or str(path)
    records = _records(path, mapping, label)
    if isinstance(records, RawTable):
        return [records]
    if not records:
        return [unreadable(label, 1, "empty file: no header row")]
    header_line, raw_headers = records[0]
    headers = unique_headers(raw_headers)
    orgs = RawTable(label, ORGANIZATIONS)
    ties = RawTable(label, TIES)
    sources = _resolve_sources(mapping, headers, header_line, orgs)
    link_columns = {link.column: _find_header(link.column, headers) for link in mapping.links}
    for link in mapping.links:
        if link_columns[link.column] is None:
            orgs.problems.append(
                Problem(label, header_line, link.column, _not_found(link.column, headers))
            )
            orgs.readable = False
    if not orgs.readable:
        return [orgs]
    used = set(sources.values()) | {h for h in link_columns.values() if h}
    linked = RawTable(label, ORGANIZATIONS)
    linked_ids: set[str] = set()
    countries: dict[str, Counter[str]] = {}
    for line, record in records[1:]:
        if len(record) > len(headers) and any(c.strip() for c in record[len(headers) :]):
            orgs.problems.append(
                Problem(label, line, "-", f"{len(record)} cells but {len(headers)} columns")
            )
            continue
        row = dict(zip(headers, [*record, *[""] * (len(headers) - len(record))], strict=True))
        cells = _mapped_cells(row, sources, mapping)
        extras = {
            h: v
            for h, v in row.items()
            if mapping.keep_other_columns and h not in used and h and v.strip()
        }
        for helper in HELPER_COLUMNS:
            if cells.get(helper):
                extras[helper] = cells[helper]
        cells = {k: v for k, v in cells.items() if k not in HELPER_COLUMNS}
        orgs.rows.append(RawRow(line, cells, extras))
        org_id = cells.get("id", "")
        if mapping.member_of and org_id:
            ties.rows.append(
                RawRow(
                    line, {"source": org_id, "target": mapping.member_of, "type": "member_of"}, {}
                )
            )
        for link in mapping.links:
            header = link_columns[link.column]
            value = row.get(header or "", "").strip()
            if not value or not org_id or _value_key(value) in {_value_key(i) for i in link.ignore}:
                continue
            other = link.id_prefix + (slug(value) if link.organization_type else value)
            if link.organization_type and other not in linked_ids:
                linked_ids.add(other)
                linked.rows.append(
                    RawRow(line, {"id": other, "name": value, "type": link.organization_type}, {})
                )
            if cells.get("country"):
                countries.setdefault(other, Counter())[cells["country"]] += 1
            source, target = (other, org_id) if link.direction == "from" else (org_id, other)
            ties.rows.append(
                RawRow(line, {"source": source, "target": target, "type": link.tie}, {})
            )
    for raw in linked.rows:
        # A named organization's country is unknown; the one most of its rows share is a
        # better default than CA, and is marked as inferred.
        found = countries.get(raw.cells["id"])
        if found:
            raw.cells["country"] = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            raw.extras["country_inferred"] = "most common country of its rows"
    return [orgs, linked, ties] if linked.rows else [orgs, ties]


def check_mapped(
    paths: Path | Sequence[Path],
    mapping: Mapping,
    known_ids: Callable[[Iterable[str]], set[str]] | None = None,
) -> Validated:
    """Read and validate one or more foreign files (one mapping for all) without writing;
    ties may point at the organizations ``known_ids`` finds (a store's)."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    return validate(
        [t for path in files for t in read_mapped(path, mapping)],
        known_ids=known_ids,
        missing=mapping.missing,
    )


def unique_headers(headers: Sequence[str]) -> list[str]:
    """Headers made unique the way pandas does: a repeated ``X`` becomes ``X.1``, ``X.2``.

    A header already spelled ``X.1`` in the file keeps its name; empty headers stay empty
    (their cells are ignored).

    >>> unique_headers(["Legal Form", "Sub", "Sub", " Sub "])
    ['Legal Form', 'Sub', 'Sub.1', 'Sub.2']
    >>> unique_headers(["a", "a", "a.1"])
    ['a', 'a.2', 'a.1']
    """
    names = [h.strip() for h in headers]
    reserved = set(names)
    seen: set[str] = set()
    counts: dict[str, int] = {}
    unique = []
    for name in names:
        if not name or name not in seen:
            seen.add(name)
            unique.append(name)
            continue
        number = counts.get(name, 0) + 1
        while f"{name}.{number}" in reserved or f"{name}.{number}" in seen:
            number += 1
        counts[name] = number
        seen.add(f"{name}.{number}")
        unique.append(f"{name}.{number}")
    return unique


def slug(text: str) -> str:
    """A readable id part from a name.

    >>> slug("Südwind Österreich"), slug("  COSPE ")
    ('suedwind-oesterreich', 'cospe')
    """
    text = text.strip().casefold()
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("œ", "oe")):
        text = text.replace(letter, spelled)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")


def auto_id(name: str, city: str, *, prefix: str = "auto-") -> str:
    """A stable id from a normalized name and city, for rows that have none.

    >>> auto_id("Coop  de l'Arbre ", "MONTRÉAL") == auto_id("coop de l’arbre", "Montreal")
    True
    >>> auto_id("A", "") != auto_id("B", "")
    True
    """
    key = f"{slug(name.replace(chr(0x2019), chr(39)))}|{slug(city)}"
    return prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _value_key(text: str) -> str:
    return fold(str(text).replace(".", "_").replace("/", "_"))


def _records(path: Path, mapping: Mapping, label: str) -> list[tuple[int, list[str]]] | RawTable:
    if path.suffix.lower() == ".xlsx":
        return _xlsx_records(path, mapping.sheet, label)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return unreadable(label, 0, f"cannot read the file: {error.strerror}")
    return csv_records(raw, label=label)


def _xlsx_records(
    path: Path, sheet: str | None, label: str
) -> list[tuple[int, list[str]]] | RawTable:
    import openpyxl  # imported here: only XLSX input needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        return unreadable(label, 0, f"not a readable XLSX workbook: {error}")
    try:
        if sheet is not None and sheet not in book.sheetnames:
            return unreadable(label, 0, f"no sheet named {sheet!r}")
        worksheet = book[sheet] if sheet else book.worksheets[0]
        return [
            (number, ["" if v is None else _cell(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            if any(v not in (None, "") for v in values)
        ]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def _find_header(wanted: str, headers: Sequence[str]) -> str | None:
    if wanted in headers:
        return wanted
    folded = fold(wanted)
    return next((h for h in headers if fold(h) == folded), None)


def _not_found(wanted: str, headers: Sequence[str]) -> str:
    return f"mapped column {wanted!r} is not in the file; its columns are: " + ", ".join(
        repr(h) for h in headers
    )


def _resolve_sources(
    mapping: Mapping, headers: Sequence[str], header_line: int, table: RawTable
) -> dict[str, str]:
    """Contract column → header actually present (explicit mapping, then auto)."""
    sources: dict[str, str] = {}
    for key, wanted in mapping.columns.items():
        if not wanted:
            continue
        header = _find_header(wanted, headers)
        if header is None:
            table.problems.append(
                Problem(table.label, header_line, key, _not_found(wanted, headers))
            )
            table.readable = False
        else:
            sources[key] = header
    if mapping.auto_columns:
        taken = set(sources.values()) | {link.column for link in mapping.links}
        for header in headers:
            canonical = canonical_header(header)
            if (
                canonical in ORGANIZATION_COLUMNS
                and canonical not in sources
                and canonical not in mapping.columns
                # An explicit constant beats a file column of the same name, which then
                # stays a property (a member export's Type of legal-form slugs).
                and canonical not in mapping.constants
                and header not in taken
            ):
                sources[str(canonical)] = header
    return sources


def _mapped_cells(row: dict[str, str], sources: dict[str, str], mapping: Mapping) -> dict[str, str]:
    cells: dict[str, str] = {}
    missing = {m.strip().casefold() for m in mapping.missing}
    for key in {*sources, *mapping.constants, *mapping.values}:
        value = row.get(sources[key], "").strip() if key in sources else ""
        if value.casefold() in missing:
            value = ""
        if value and key in mapping.transforms:
            value = _transform(value, mapping.transforms[key])
        if not value:
            value = mapping.constants.get(key, "")
        elif key in mapping.values:
            table = mapping.values[key]
            found = table.get(_value_key(value)) or table.get(_value_key(value.rsplit("/", 1)[-1]))
            value = found if found is not None else table.get("*", value)
        if value:
            cells[key] = value
    lat, lon = _coordinate(cells.get("lat")), _coordinate(cells.get("lon"))
    country_text = cells.get("country", "")
    if "country" in sources or "country" in mapping.constants:
        code = resolve_country(country_text) if country_text else None
        if code is None and not country_text and cells.get("postal_code"):
            code = country_from_postal_code(cells["postal_code"])
        if code is None or country_text:
            code = resolve_country(country_text, lat, lon) or code
        if code:
            if country_text and country_code(country_text) != code:
                cells["country_text"] = country_text  # kept: the code came from elsewhere
            cells["country"] = code
    if mapping.infer_region and not cells.get("region") and cells.get("country", "CA") == "CA":
        region = infer_region(
            city=cells.get("city", ""),
            postal=cells.get("postal_code", ""),
            address=cells.get("address", ""),
        )
        if region:
            cells["region"] = region
    if not cells.get("postal_code") and cells.get("address"):
        found = postal_code(cells["address"])
        if found:
            cells["postal_code"] = found
    if not cells.get("id") and cells.get("name"):
        cells["id"] = auto_id(cells["name"], cells.get("city", ""), prefix=mapping.id_prefix)
    return cells


def _transform(value: str, name: str) -> str:
    if name == "year":
        match = _YEAR.search(value)
        return match.group(1) if match else value
    if name == "upper":
        return value.upper()
    if name == "lower":
        return value.lower()
    if name == "last_segment":
        return value.rstrip("/").rsplit("/", 1)[-1]
    return re.split(r"[;|]", value)[0].strip()  # first


def _coordinate(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
