"""Three overlapping sources of one pole, loaded in every order, make one truthful graph.

The fixtures (``fixtures/three_sources``) have the shape of a regional pole's real files: a
member export without ids and with a ``Type`` column of legal-form slugs, a directory with
NEQs, coordinates and ``NA`` for missing values, a register extract with upper-case legal
names and two identical rows. On both stores and in the six orders:

* no non-empty value a file gives is lost, unless a source loaded later gives that field
  another value (the rule: the latest value wins);
* the register's legal names never replace a display name, and every name is searchable;
* the duplicates a steward accepts stay merged when every source is loaded again, and
  loading unchanged files changes nothing, not even the data version;
* unloading the last source gives back exactly the store as it was before it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from maillage.ground.ledger import decode_records
from maillage.loaders.mapping import Mapping, check_mapped
from maillage.loaders.register import check_register
from maillage.loaders.validate import Validated
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery, Store
from maillage.services import sources as ledger
from maillage.services.duplicates import apply_review, duplicates
from maillage.services.loading import LoadOutcome, load_mapped, load_register, load_workbook
from maillage.services.views import resolve

FIXTURES = Path(__file__).parent / "fixtures" / "three_sources"
SOURCES = ("membres.csv", "repertoire.csv", "registre.csv")


@dataclass(frozen=True)
class Source:
    """One of the pole's files: how to load it and how to read it without loading."""

    name: str
    load: Callable[[Store], LoadOutcome]
    check: Callable[[], Validated]


def _mapped(name: str) -> Source:
    path, mapping = FIXTURES / name, Mapping.from_file(FIXTURES / name.replace(".csv", ".toml"))
    return Source(
        name, lambda store: load_mapped(path, mapping, store), lambda: check_mapped(path, mapping)
    )


FILES = {
    "membres.csv": _mapped("membres.csv"),
    "repertoire.csv": _mapped("repertoire.csv"),
    "registre.csv": Source(
        "registre.csv",
        lambda store: load_register(FIXTURES / "registre.csv", store),
        lambda: check_register(FIXTURES / "registre.csv")[0],
    ),
}
ORDERS = list(itertools.permutations(SOURCES))


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path) -> Iterator[Store]:
    """An empty store of each kind with the pole in it (the member list's rows join it)."""
    if request.param == "embedded":
        opened: Store = SQLiteStore(tmp_path / "scenario.db")
    else:
        opened = request.getfixturevalue("neo4j_store")
    load_workbook([FIXTURES / "pole.csv"], opened, source="pole")
    yield opened
    opened.close()


def state(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, str, list[str]]:
    """Everything a reader sees, and the sources listed."""
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    return orgs, ties, store.data_version(), sorted(s.name for s in store.sources())


def homes(store: Store) -> dict[tuple[str, str], str]:
    """The organization each source row lives on: (source, row id) -> organization."""
    table = store.read_records()
    return {
        (record.source, record.record): org_id
        for org_id, text in zip(table["id"], table["records"], strict=True)
        for record in decode_records(text)
    }


def given_values(source: str) -> list[tuple[str, str, object]]:
    """(row id, field, value) of every non-empty value a file gives, as loaded."""
    checked = FILES[source].check()
    found = []
    for org in checked.organizations:
        for field, value in org.items():
            if field.startswith("_") or field in ("id", "properties") or value in (None, ""):
                continue
            found.append((org["id"], field, value))
        for key, value in (org.get("properties") or {}).items():
            found.append((org["id"], f"properties.{key}", value))
    return found


def claims_by_field(store: Store) -> dict[tuple[str, str], dict[str, object]]:
    """What each source now says of each organization's field."""
    table = store.read_records()
    found: dict[tuple[str, str], dict[str, object]] = {}
    for org_id, text in zip(table["id"], table["records"], strict=True):
        for record in decode_records(text):
            for field, claim in record.claims().items():
                found.setdefault((org_id, field), {})[record.source] = claim.value
    return found


def shown(orgs: pd.DataFrame, org_id: str, field: str) -> object:
    row = orgs.set_index("id").loc[org_id]
    if field.startswith("properties."):
        return (row["properties"] or {}).get(field.removeprefix("properties."))
    value = row[field]
    return None if pd.isna(value) else value


@pytest.mark.parametrize("order", ORDERS, ids="+".join)
def test_no_value_is_lost_unless_a_later_source_gives_another(store, order):
    for source in order:
        FILES[source].load(store)
    orgs, _, _, _ = state(store)
    where = homes(store)
    claims = claims_by_field(store)
    for rank, source in enumerate(order):
        later = set(order[rank + 1 :])
        for row_id, field, value in given_values(source):
            org_id = where[(source, row_id)]
            seen = shown(orgs, org_id, field)
            assert seen not in (None, ""), (source, row_id, field, value)
            if str(seen) != str(value):
                others = claims.get((org_id, field), {})
                assert any(s in later and str(v) == str(seen) for s, v in others.items()), (
                    source, row_id, field, value, seen, others,
                )  # fmt: skip


@pytest.mark.parametrize("order", ORDERS, ids="+".join)
def test_legal_names_never_replace_display_names_and_every_name_is_found(store, order):
    for source in order:
        FILES[source].load(store)
    orgs, _, _, _ = state(store)
    named = orgs.set_index("id")
    # The directory and the member list name 1170000001; the register only gives its
    # legal name, kept as such.
    assert named.loc["1170000001", "name"] == "Coop Nitaskinan"
    assert named.loc["1170000001", "properties"]["legal_name"] == (
        "COOPÉRATIVE DE SOLIDARITÉ NITASKINAN"
    )
    assert resolve(orgs, "coopérative de solidarité nitaskinan") == "1170000001"
    # The directory's name beats the register's legal name whatever the order; an
    # organization only the register names shows its legal name.
    assert named.loc["1170000008", "name"] == "Coop forestière du Haut-Saint-Maurice"
    assert named.loc["1170000004", "name"] == "MARCHÉ PUBLIC DE SAINT-TITE"
    # The Type column of legal-form slugs stayed a property: --type enterprise was given.
    member = named.loc[orgs.loc[orgs["name"] == "Les Jardins de Saint-Élie", "id"].iloc[0]]
    assert (member["type"], member["properties"]["Type"]) == ("enterprise", "obnl")


@pytest.mark.parametrize("order", ORDERS, ids="+".join)
def test_accepted_merges_stay_merged_and_unchanged_files_change_nothing(store, order):
    for source in order:
        FILES[source].load(store)
    review = duplicates(store)
    assert len(review) == 16 and (review["score"] == 1.0).all()
    done = apply_review(store, zip(review["keep"], review["right"], strict=True), [])
    assert len(done.removed) == 16
    merged_orgs, merged_ties, version, _ = state(store)
    for source in (*order, *order):  # every source again, twice
        outcome = FILES[source].load(store)
        assert (outcome.created, outcome.updated, outcome.changed) == (0, 0, False), source
    orgs, ties, after, _ = state(store)
    assert after == version
    pd.testing.assert_frame_equal(orgs, merged_orgs)
    pd.testing.assert_frame_equal(ties, merged_ties)
    assert duplicates(store).empty
    assert not set(done.removed) & set(orgs["id"])


@pytest.mark.parametrize("order", ORDERS, ids="+".join)
def test_unloading_the_last_source_restores_the_store_exactly(store, order):
    for source in order[:-1]:
        FILES[source].load(store)
    before = state(store)
    FILES[order[-1]].load(store)
    assert state(store)[2] != before[2]
    ledger.unload(store, order[-1])
    after = state(store)
    pd.testing.assert_frame_equal(after[0], before[0])
    pd.testing.assert_frame_equal(after[1], before[1])
    assert after[2:] == before[2:]


def test_every_organization_of_the_scenario_has_a_region(store):
    for source in SOURCES:
        FILES[source].load(store)
    orgs, _, _, _ = state(store)
    share = orgs["region"].notna().mean()
    print(f"\nregions: {orgs['region'].notna().sum()} of {len(orgs)} organizations ({share:.1%})")
    assert share >= 0.98
    # The directory's row with no city takes its region from its coordinates.
    culture = orgs.set_index("id").loc[
        orgs.loc[orgs["name"] == "Maison de la culture de Lac-aux-Sables", "id"]
    ]
    assert set(culture["region"]) == {"04"}
