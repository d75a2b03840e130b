"""Nothing above an audience's level leaks into what it is shown: exports, graphs, paths.

A workbook mixes public, members and private organizations and ties, each carrying
distinctive marker strings in its id, name, properties and notes. Every export format the
CLI offers is written for ``public`` and for ``members`` and its bytes are scanned (XLSX
unzipped) for markers that audience must not see.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.exports import EXPORT_FORMATS as FORMATS

# Markers: (level, text). Every one must be absent from the exports of a lower audience.
ORGANIZATIONS = """\
id,name,type,city,website,visibility,internal_code
pub-a,Coop Alpha,enterprise,Montréal,,public,ok-a
pub-b,Réseau Beta,network,Québec,,public,ok-b
pub-c,Fonds Gamma,funder,Laval,,public,ok-c
pub-x,Coop Xi,enterprise,Gatineau,,public,ok-x
pub-y,Coop Upsilon,enterprise,Sherbrooke,,public,ok-y
MEMID-7f3a-org,SECRET-MEMBERS-7f3a Coop,enterprise,MEMCITY-7f3a,,members,MEMPROP-7f3a
PRIVID-9c1e-org,SECRET-PRIVATE-9c1e Fund,funder,PRIVCITY-9c1e,https://PRIVWEB-9c1e.example,private,PRIVPROP-9c1e
"""
TIES = """\
source,target,type,visibility,note,source_ref
pub-a,pub-b,member_of,public,public tie a-b,
pub-b,pub-c,partner,public,public tie b-c,
pub-x,pub-a,partner,public,public tie x-a,
pub-b,pub-y,partner,public,public tie b-y,
pub-a,MEMID-7f3a-org,partner,public,MEMTIE-NOTE-7f3a,MEMTIE-REF-7f3a
pub-b,PRIVID-9c1e-org,partner,public,PRIVTIE-NOTE-9c1e,PRIVTIE-REF-9c1e
pub-x,PRIVID-9c1e-org,partner,public,PRIVPATH-NOTE-9c1e,
PRIVID-9c1e-org,pub-y,funds,public,PRIVPATH2-NOTE-9c1e,
pub-a,pub-c,supplies,members,MEMBERS-ONLY-TIE-4b2d,MEMBERS-ONLY-REF-4b2d
pub-c,pub-x,founded,private,PRIVATE-ONLY-TIE-5e6f,PRIVATE-ONLY-REF-5e6f
MEMID-7f3a-org,PRIVID-9c1e-org,funds,members,MEMPRIV-TIE-NOTE-3d3d,
"""
MEMBERS_MARKERS = [
    "MEMID-7f3a",
    "SECRET-MEMBERS-7f3a",
    "MEMCITY-7f3a",
    "MEMPROP-7f3a",
    "MEMTIE-NOTE-7f3a",
    "MEMTIE-REF-7f3a",
    "MEMBERS-ONLY-TIE-4b2d",
    "MEMBERS-ONLY-REF-4b2d",
]
PRIVATE_MARKERS = [
    "PRIVID-9c1e",
    "SECRET-PRIVATE-9c1e",
    "PRIVCITY-9c1e",
    "PRIVWEB-9c1e",
    "PRIVPROP-9c1e",
    "PRIVTIE-NOTE-9c1e",
    "PRIVTIE-REF-9c1e",
    "PRIVPATH-NOTE-9c1e",
    "PRIVPATH2-NOTE-9c1e",
    "PRIVATE-ONLY-TIE-5e6f",
    "PRIVATE-ONLY-REF-5e6f",
    # A members tie touching a private organization is private to everyone below private.
    "MEMPRIV-TIE-NOTE-3d3d",
]
PUBLIC_IDS = {"pub-a", "pub-b", "pub-c", "pub-x", "pub-y"}
PUBLIC_TIE_NOTES = {"public tie a-b", "public tie b-c", "public tie x-a", "public tie b-y"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("leaks")
    workbook = folder / "workbook"
    workbook.mkdir()
    (workbook / "organizations.csv").write_text(ORGANIZATIONS, encoding="utf-8")
    (workbook / "ties.csv").write_text(TIES, encoding="utf-8")
    path = folder / "leaks.db"
    status, output = run("--db", str(path), "load", str(workbook))
    assert status == 0, output
    return path


def written_bytes(out: Path) -> dict[str, bytes]:
    """Every byte written at ``out`` (a file or folder), zip archives opened member by member."""
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.is_dir() else [out]
    found: dict[str, bytes] = {}
    for path in files:
        raw = path.read_bytes()
        found[str(path)] = raw
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    found[f"{path}!{name}"] = archive.read(name)
    assert found, f"nothing written at {out}"
    return found


def export(db: Path, tmp_path: Path, file_format: str, audience: str) -> dict[str, bytes]:
    out = tmp_path / f"export-{audience}.{file_format}"
    status, output = run(
        "--db", str(db), "export", "--format", file_format, "--audience", audience, str(out)
    )
    assert status == 0, output
    return written_bytes(out)


def markers_in(contents: dict[str, bytes], markers: list[str]) -> list[tuple[str, str]]:
    return [
        (marker, where)
        for where, raw in contents.items()
        for marker in markers
        if marker.lower().encode() in raw.lower()
    ]


EXPORT_FORMATS = list(FORMATS)


@pytest.mark.parametrize("file_format", EXPORT_FORMATS)
def test_public_export_holds_nothing_of_members_or_private(db, tmp_path, file_format):
    contents = export(db, tmp_path, file_format, "public")
    assert markers_in(contents, MEMBERS_MARKERS + PRIVATE_MARKERS) == []
    # The public part is really there (the scan is not vacuous).
    everything = b"".join(contents.values())
    for org_id in PUBLIC_IDS:
        assert org_id.encode() in everything
    if file_format != "html":  # a map need not carry tie notes; data exports must
        for note in PUBLIC_TIE_NOTES:
            assert note.encode() in everything


@pytest.mark.parametrize("file_format", EXPORT_FORMATS)
def test_members_export_holds_members_items_but_nothing_private(db, tmp_path, file_format):
    contents = export(db, tmp_path, file_format, "members")
    assert markers_in(contents, PRIVATE_MARKERS) == []
    found = {marker for marker, _ in markers_in(contents, MEMBERS_MARKERS)}
    if file_format == "html":  # the map draws organizations (name, city), not tie details
        assert found == {"MEMID-7f3a", "SECRET-MEMBERS-7f3a", "MEMCITY-7f3a"}
    else:
        assert found == set(MEMBERS_MARKERS)


def test_private_export_holds_everything(db, tmp_path):
    contents = export(db, tmp_path, "json", "private")
    found = {marker for marker, _ in markers_in(contents, MEMBERS_MARKERS + PRIVATE_MARKERS)}
    assert found == set(MEMBERS_MARKERS + PRIVATE_MARKERS)


def test_private_organization_is_absent_not_anonymized(db, tmp_path):
    (document,) = (
        json.loads(raw)
        for raw in export(db, tmp_path, "json", "public").values()
        if raw.lstrip().startswith(b"{")
    )
    assert {node["id"] for node in document["nodes"]} == PUBLIC_IDS
    # No placeholder node, no dangling link: exactly the public ties among public organizations.
    assert {link["note"] for link in document["links"]} == PUBLIC_TIE_NOTES
    for link in document["links"]:
        assert {link["source"], link["target"]} <= PUBLIC_IDS


@pytest.mark.parametrize("audience", ["public", "members"])
def test_store_reads_never_return_a_tie_touching_a_hidden_organization(db, audience):
    with SQLiteStore(db) as store:
        orgs, ties = store.read_graph(GraphQuery(audience=audience))
        # Filters and focus must not open a side door either.
        focused = store.read_graph(GraphQuery(audience=audience, focus="pub-b", hops=3))
        hidden_focus = store.read_graph(GraphQuery(audience=audience, focus="PRIVID-9c1e-org"))
    allowed = {"public"} if audience == "public" else {"public", "members"}
    assert set(orgs["visibility"]) <= allowed
    assert set(ties["visibility"]) <= allowed
    for seen_orgs, seen_ties in (
        (orgs, ties),
        focused,
    ):
        ids = set(seen_orgs["id"])
        assert not any(i.startswith("PRIVID") for i in ids)
        assert set(seen_ties["source"]) | set(seen_ties["target"]) <= ids
    assert hidden_focus[0].empty and hidden_focus[1].empty


def test_public_path_between_public_organizations_avoids_the_private_one(db):
    paths_module = pytest.importorskip("maillage.graph.paths")
    build = pytest.importorskip("maillage.graph.build")
    with SQLiteStore(db) as store:
        public = build.alliance_graph(*store.read_graph(GraphQuery(audience="public")))
        private = build.alliance_graph(*store.read_graph(GraphQuery(audience="private")))
    # At private, the shortest way from pub-x to pub-y is through the private fund ...
    private_paths = paths_module.introduction_paths(private, "pub-x", "pub-y")
    assert ["pub-x", "PRIVID-9c1e-org", "pub-y"] in private_paths["ids"].tolist()
    # ... which the public graph does not hold, so its paths go the long way round.
    public_paths = paths_module.introduction_paths(public, "pub-x", "pub-y")
    assert public_paths["ids"].tolist() == [["pub-x", "pub-a", "pub-b", "pub-y"]]
    for names in public_paths["names"]:
        assert "SECRET" not in names
    assert "PRIVID-9c1e-org" not in public


def test_cli_path_at_public_avoids_the_private_organization(db):
    status, output = run("--db", str(db), "path", "pub-x", "pub-y", "--audience", "public")
    assert status == 0, output
    assert "pub-a" in output
    assert markers_in({"output": output.encode()}, MEMBERS_MARKERS + PRIVATE_MARKERS) == []
    status, output = run("--db", str(db), "path", "pub-x", "PRIVID-9c1e-org")
    assert status != 0
    assert "SECRET-PRIVATE" not in output
    # The refusal is the one an id that does not exist gets: no existence oracle.
    missing_status, missing_output = run("--db", str(db), "path", "pub-x", "NOPE-0000-org")
    assert status == missing_status
    assert output.replace("PRIVID-9c1e-org", "X") == missing_output.replace("NOPE-0000-org", "X")


def test_public_html_map_holds_nothing_of_members_or_private(db):
    from maillage.graph import build
    from maillage.loaders import html_map as network_map

    with SQLiteStore(db) as store:
        G = build.alliance_graph(*store.read_graph(GraphQuery(audience="public")))
    page = network_map.graph_html(G, positions={v: (0.0, 0.0) for v in G}, colours={}, legend={})
    assert markers_in({"map": page.encode()}, MEMBERS_MARKERS + PRIVATE_MARKERS) == []
    assert all(org_id in page for org_id in PUBLIC_IDS)


READ_COMMANDS = [
    ["metrics"],
    ["metrics", "--top", "50", "--type", "funder"],
    ["gaps"],
    ["opportunities", "--top", "50"],
    ["opportunities", "--for", "pub-x"],
    ["path", "pub-x", "pub-y"],
    ["path", "pub-b", "pub-c"],
    ["ego", "pub-b", "--hops", "3"],
    ["ego", "pub-x", "--hops", "2"],
    ["diff", "--from", "2000-01-01", "--to", "2030-01-01"],
]


@pytest.mark.parametrize("output", ["table", "json", "csv"])
@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_read_commands_at_public_show_nothing_of_members_or_private(db, command, output):
    status, text = run("--db", str(db), "--format", output, *command, "--audience", "public")
    assert status == 0, text
    assert markers_in({"output": text.encode()}, MEMBERS_MARKERS + PRIVATE_MARKERS) == []


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_read_commands_at_members_show_nothing_private(db, command):
    status, text = run("--db", str(db), "--format", "json", *command, "--audience", "members")
    assert status == 0, text
    assert markers_in({"output": text.encode()}, PRIVATE_MARKERS) == []
