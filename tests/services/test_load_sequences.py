"""Random sequences of loads on both stores: no value is lost unless a later one replaces it.

Each load takes one of the pole's three files (``fixtures/three_sources``), empties some of
its cells and changes some of its values, and loads it as that file's source. An oracle
written from the rule alone (for each field of each organization, every source's latest
value and when it was first given; the most recently given value wins) says what every
field must show; both stores must show exactly that.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.loaders.mapping import Mapping, check_mapped
from maillage.loaders.register import check_register
from maillage.loaders.validate import Validated
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery, Store
from maillage.services.loading import load_mapped, load_register, load_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "three_sources"
#: The columns a load may empty or change (never those that say which organization a row
#: is: its NEQ, or the name and city its id is made of, nor the legal form the register
#: preset keeps rows by; the register's name is only changed: a new organization needs one).
FREE = {
    "membres.csv": ("Type", "Site web", "CategorieMembre", "Courriel contact"),
    "repertoire.csv": ("Adresse", "Code postal", "lat", "long", "Site Internet", "Secteur"),
    "registre.csv": ("Nom", "Adresse", "Code postal", "Date de constitution"),
}
#: Fields the rules derive rather than take from a source.
DERIVED = {"properties.also_known_as", "properties.region_inferred_from"}

edits = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 5), st.sampled_from(["empty", "change"])),
    max_size=8,
)
loads = st.lists(st.tuples(st.sampled_from(sorted(FREE)), edits), min_size=1, max_size=6)


def altered(source: str, changes: list[tuple[int, int, str]], folder: Path) -> Path:
    """The file with some free cells emptied or changed, written as ``folder/source``."""
    with (FIXTURES / source).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    free = [header.index(column) for column in FREE[source]]
    for row_number, column_number, edit in changes:
        row = body[row_number % len(body)]
        # The register's two identical rows are edited together (else they would be two
        # different rows of one NEQ: a problem the load rightly refuses).
        twins = [other for other in body if other == row]
        column = free[column_number % len(free)]
        if edit == "empty" and header[column] != "Nom":  # a register row must keep a name
            row[column] = ""
        elif header[column] == "lat":
            row[column] = f"{float(row[column] or 46.0) + 0.01:.4f}"
        elif header[column] == "long":
            row[column] = f"{float(row[column] or -72.0) - 0.01:.4f}"
        elif header[column] == "Date de constitution":
            row[column] = "2000-01-01"
        elif header[column] == "Code postal":
            row[column] = "G9A 5H7"
        else:
            row[column] = (row[column] or header[column]) + " (bis)"
        for twin in twins:
            twin[:] = row
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *body])
    path = folder / source
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def mapping(source: str) -> Mapping:
    return Mapping.from_file(FIXTURES / source.replace(".csv", ".toml"))


def load(store: Store, source: str, path: Path) -> None:
    if source == "registre.csv":
        load_register(path, store)
    else:
        load_mapped(path, mapping(source), store)


def checked(source: str, path: Path) -> Validated:
    if source == "registre.csv":
        return check_register(path)[0]
    return check_mapped(path, mapping(source))


class Oracle:
    """The rule, written plainly: per organization and field, each source's value and when
    it was first given; the latest given wins."""

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], dict[str, tuple[object, int]]] = {}

    def load(self, source: str, rows: Validated, time: int) -> None:
        for org in rows.organizations:
            values = {k: v for k, v in org.items() if not k.startswith("_") and k != "id"}
            properties = values.pop("properties", None) or {}
            values.update({f"properties.{k}": v for k, v in properties.items()})
            for field, value in values.items():
                if value in (None, ""):
                    continue
                held = self.claims.setdefault((org["id"], field), {})
                if source not in held or held[source][0] != value:
                    held[source] = (value, time)

    def expected(self) -> dict[tuple[str, str], object]:
        return {
            key: max(held.values(), key=lambda claim: claim[1])[0]
            for key, held in self.claims.items()
        }


def check_sequence(store: Store, sequence: list[tuple[str, list[tuple[int, int, str]]]]) -> None:
    oracle = Oracle()
    load_workbook([FIXTURES / "pole.csv"], store, source="pole")
    with tempfile.TemporaryDirectory() as scratch:
        for time, (source, changes) in enumerate(sequence):
            folder = Path(scratch) / str(time)
            folder.mkdir()
            path = altered(source, changes, folder)
            # One file name per source wherever it lies: the source is the file's name.
            oracle.load(source, checked(source, path), time)
            load(store, source, path)
            shutil.rmtree(folder)
    orgs = store.read_graph(GraphQuery(audience="private"))[0].set_index("id")
    for (org_id, field), value in oracle.expected().items():
        if field in DERIVED:
            continue
        row = orgs.loc[org_id]
        if field.startswith("properties."):
            seen = (row["properties"] or {}).get(field.removeprefix("properties."))
        else:
            seen = row[field]
        assert not pd.isna(seen), (org_id, field, value)
        assert str(seen) == str(value) or (
            isinstance(value, float) and float(seen) == pytest.approx(value)
        ), (org_id, field, seen, value)


@settings(max_examples=25, deadline=None)
@given(loads)
def test_random_load_sequences_lose_nothing_on_the_embedded_store(sequence):
    with SQLiteStore(":memory:") as store:
        check_sequence(store, sequence)


@pytest.mark.neo4j
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=loads)
def test_random_load_sequences_lose_nothing_on_neo4j(neo4j_driver, neo4j_database, sequence):
    from maillage.queries.neo4j_store import Neo4jStore

    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_database)
    with Neo4jStore.from_env() as store:
        check_sequence(store, sequence)
