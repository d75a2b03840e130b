"""The Neo4j store shapes what it reads exactly as ``organizations_frame`` and ``ties_frame``.

Reads build their frames from the columns Neo4j sends, in NumPy (the general functions
cost half of an ego read around a hub, which the explorer waits on); these tests hold that
shortcut to the general path, on canonical rows, on rows the store would never write, and
on none at all. No server.
"""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.ground.tables import INTEGER_COLUMNS, REAL_COLUMNS, organizations_frame, ties_frame
from maillage.ground.vocabulary import ORGANIZATION_TYPES, VISIBILITIES
from maillage.queries import cypher, neo4j_store

TEXT = st.none() | st.text(max_size=12)
PROPERTIES = (
    st.none()
    | st.sampled_from(["{}", "", "[1, 2]"])
    | st.dictionaries(
        st.text(max_size=5),
        st.none() | st.integers() | st.text(max_size=5) | st.lists(st.integers()),
    ).map(json.dumps)
)
#: A visibility as a read sends it: a word, or (never sent, but handled) anything else.
VISIBILITY = st.sampled_from(VISIBILITIES) | TEXT
ORGANIZATION_VALUES = {
    "id": st.text(max_size=6),
    "visibility": VISIBILITY,
    "type": st.none() | st.sampled_from(ORGANIZATION_TYPES),
    "properties": PROPERTIES,
    **{c: st.none() | st.integers(-(2**60), 2**60) for c in INTEGER_COLUMNS},
    **{c: st.none() | st.floats() | st.integers(-1000, 1000) for c in REAL_COLUMNS},
}
ORGANIZATION_ROWS = st.lists(
    st.tuples(*(ORGANIZATION_VALUES.get(c, TEXT) for c in cypher.ORGANIZATION_READ)).map(list),
    max_size=12,
)


def columns(rows: list[list[object]], names: tuple[str, ...]) -> list[list[object]]:
    """Rows as the columns a read sends."""
    return [[row[i] for row in rows] for i in range(len(names))]


def _organizations_read(rows: list[list[object]]) -> pd.DataFrame:
    return neo4j_store._organizations_read(columns(rows, cypher.ORGANIZATION_READ))


def _ties_read(rows: list[list[object]], ids: list[object]) -> pd.DataFrame:
    return neo4j_store._ties_read(columns(rows, cypher.TIE_READ), ids)


def general_organizations(rows: list[list[object]]) -> pd.DataFrame:
    return organizations_frame(pd.DataFrame(rows, columns=list(cypher.ORGANIZATION_READ)))


@settings(max_examples=100, deadline=None)
@given(ORGANIZATION_ROWS)
def test_organizations_read_as_organizations_frame(rows):
    pd.testing.assert_frame_equal(_organizations_read(rows), general_organizations(rows))


RELATIONSHIPS = sorted(cypher.TIE_TYPE_OF)
TIE_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "a2"]),  # the ends, by the organizations' own ids
        st.sampled_from(["a", "b", "a2"]),
        st.sampled_from(RELATIONSHIPS),  # the relationship type
        st.none() | st.floats() | st.integers(-5, 5),  # weight
        st.none() | st.sampled_from(["", "2015-01-01", "2020-06-30"]),  # since
        TEXT,  # until
        VISIBILITY,
        TEXT,  # source_ref
        TEXT,  # note
        PROPERTIES,
    ).map(list),
    max_size=12,
)
IDS = ["a", "b", "a2"]


def general_ties(rows: list[list[object]]) -> pd.DataFrame:
    ties = pd.DataFrame(rows, columns=list(cypher.TIE_READ))
    ties["type"] = [cypher.TIE_TYPE_OF.get(kind, kind) for kind in ties["type"]]
    return ties_frame(ties)


@settings(max_examples=100, deadline=None)
@given(TIE_ROWS)
def test_ties_read_as_ties_frame(rows):
    pd.testing.assert_frame_equal(_ties_read(rows, IDS), general_ties(rows))


def organization(org_id: object, **values: object) -> list[object]:
    row = dict.fromkeys(cypher.ORGANIZATION_READ)
    row.update(id=org_id, name=str(org_id).upper(), type="enterprise", visibility="public")
    row.update(values)
    return list(row.values())


# Values the store never writes (a property set by hand in Neo4j Browser): the rows go
# down the general path, with its answers.
ODD_ORGANIZATIONS = [
    [organization("a", name=5), organization("b")],
    [organization("a", founded=2004.0), organization("b", founded=None)],
    [organization("a", members=2**53 + 1), organization("b")],
    [organization("a", lat="45.5"), organization("b", lat=46.0)],
    [organization(3), organization("b")],
    [organization("a", properties={"colour": "green"})],
    [organization("a", visibility="publique"), organization("b")],  # not a visibility
]


def test_odd_organizations_take_the_general_path():
    for rows in ODD_ORGANIZATIONS:
        pd.testing.assert_frame_equal(_organizations_read(rows), general_organizations(rows))


def test_odd_ties_take_the_general_path():
    tie = ["a", "b", "PARTNER", 1.0, None, None, "public", None, None, "{}"]
    odd = [
        [tie, [*tie[:3], "2", *tie[4:]]],  # weight as text
        [tie, [*tie[:7], 12, *tie[8:]]],  # a number as source_ref
        [tie, [*tie[:6], None, *tie[7:]]],  # no visibility
        [tie, [*tie[:6], "secret", *tie[7:]]],  # a visibility beyond the vocabulary
        [tie, [*tie[:2], None, *tie[3:]]],  # no type
        [tie, [*tie[:2], "LIKES", *tie[3:]]],  # a relationship type of no tie type
        [tie, ["ghost", *tie[1:]]],  # an end that is no organization read
    ]
    for rows in odd:
        pd.testing.assert_frame_equal(_ties_read(rows, IDS), general_ties(rows))
    for ids in (["a", 7], ["a", "b", "a"]):  # an id that is a number; one id twice
        pd.testing.assert_frame_equal(_ties_read([tie], ids), general_ties([tie]))


def test_each_row_gets_its_own_properties():
    text = json.dumps({"tags": ["a"], "colour": "green"})
    rows = [organization("a", properties=text), organization("b", properties=text)]
    orgs = _organizations_read(rows)
    orgs.loc[0, "properties"]["tags"].append("changed")
    orgs.loc[0, "properties"]["colour"] = "red"
    assert orgs.loc[1, "properties"] == {"tags": ["a"], "colour": "green"}
