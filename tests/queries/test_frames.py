"""The embedded store shapes what it reads exactly as ``organizations_frame`` and ``ties_frame``.

Its reads build their frames in NumPy (``queries.frames``) when the values are what the
store writes and its queries put the ties in order; these tests hold that shortcut to
the general path on rows as the queries return them, in other orders, and with values
the store never writes (a file edited by hand). No server.
"""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.ground.tables import INTEGER_COLUMNS, REAL_COLUMNS, organizations_frame, ties_frame
from maillage.ground.vocabulary import ORGANIZATION_TYPES, VISIBILITIES
from maillage.queries import sqlite_store
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_frames

INT64 = st.integers(-(2**63), 2**63 - 1)
TEXT = st.none() | st.text(max_size=8)
#: What SQLite may hold in a text column of a file edited by hand.
ODD_TEXT = TEXT | INT64 | st.floats(allow_nan=False)
PROPERTIES = (
    st.none()
    | st.sampled_from(["{}", "", "[1]"])
    | st.dictionaries(
        st.text(max_size=4), st.none() | st.integers(-9, 9) | st.lists(st.integers(), max_size=2)
    ).map(json.dumps)
)
ORGANIZATION_VALUES = {
    "id": st.text(max_size=4) | INT64,
    "type": st.none() | st.sampled_from(ORGANIZATION_TYPES),
    "visibility": st.none() | st.sampled_from(VISIBILITIES) | INT64,
    "properties": PROPERTIES,
    **{c: st.none() | INT64 | st.integers(-(2**53), 2**53).map(float) for c in INTEGER_COLUMNS},
    **{c: st.none() | st.floats() | st.integers(-1000, 1000) | st.text(max_size=3)
       for c in REAL_COLUMNS},
}  # fmt: skip


@st.composite
def organization_rows(draw):
    """Rows as ``sql.SELECT_ORGANIZATIONS`` returns them: plain values, or (rarely) odd."""
    odd = draw(st.booleans())
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        row = []
        for column in sqlite_store._ORGANIZATION_READ:
            plain = ORGANIZATION_VALUES.get(column, TEXT)
            row.append(draw(plain if not odd else plain | ODD_TEXT))
        rows.append(tuple(row))
    return rows


def outcome(shape, *arguments):
    """A frame, or the type of the error shaping one raised."""
    try:
        return shape(*arguments)
    except Exception as error:  # which error is what is compared
        return type(error)


def assert_same(fast, general):
    if isinstance(general, pd.DataFrame):
        pd.testing.assert_frame_equal(fast, general)
    else:  # the general path refuses these values: the fast one must too
        assert fast is general


@settings(max_examples=200, deadline=None)
@given(organization_rows())
def test_organization_rows_as_organizations_frame(rows):
    table = pd.DataFrame(rows, columns=list(sqlite_store._ORGANIZATION_READ))
    general = outcome(organizations_frame, table)
    assert_same(outcome(sqlite_store._organizations_frame, rows), general)


@st.composite
def tie_rows(draw):
    """Rows as ``sql.SELECT_TIES`` returns them, in its order (by source, target, type and
    since_key, which the store keeps equal to since or ''); plain values, or odd ones (a
    since_key that is not since, among them)."""
    words = st.sampled_from(["a", "b", "é", "B"])
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        since = draw(st.none() | st.sampled_from(["", "2015-01-01", "2020-06-30"]))
        row = [
            draw(words | INT64) if draw(st.integers(0, 20)) == 0 else draw(words),
            draw(words),
            draw(st.sampled_from(["partner", "funds", "member_of"])),
            draw(st.none() | st.floats() | st.integers(-5, 5)),
            since,
            draw(TEXT),
            draw(st.sampled_from(VISIBILITIES) | st.none()),
            draw(TEXT),
            draw(ODD_TEXT if draw(st.integers(0, 10)) == 0 else TEXT),
            draw(PROPERTIES),
            since or "" if draw(st.integers(0, 10)) else draw(st.text(max_size=3)),
        ]
        rows.append(tuple(row))
    return in_query_order(rows)


def in_query_order(rows):
    """The rows sorted as ``sql.SELECT_TIES`` sorts them, by SQLite itself."""
    with sqlite3.connect(":memory:") as sorting:
        names = ", ".join(f"c{i}" for i in range(len(sqlite_store._TIE_READ)))
        sorting.execute(f"CREATE TABLE ties ({names})")
        marks = ", ".join("?" * len(sqlite_store._TIE_READ))
        sorting.executemany(f"INSERT INTO ties VALUES ({marks})", rows)
        return sorting.execute("SELECT * FROM ties ORDER BY c0, c1, c2, c10").fetchall()


@settings(max_examples=300, deadline=None)
@given(tie_rows())
def test_tie_rows_as_ties_frame(rows):
    general = outcome(ties_frame, pd.DataFrame(rows, columns=list(sqlite_store._TIE_READ)))
    assert_same(outcome(sqlite_store._ties_frame, rows), general)


def test_reads_take_the_general_path_for_a_file_edited_by_hand(tmp_path):
    """A name, a date and a number of members set by hand read as the general path reads
    them (the fast path would have kept the number, the float or the order as they were)."""
    store = SQLiteStore(tmp_path / "m.db")
    load_frames(
        store,
        organizations_frame(
            [
                {"id": "a", "name": "A", "type": "network"},
                {"id": "b", "name": "B", "type": "enterprise", "members": 12},
            ]
        ),
        ties_frame(
            [
                {"source": "a", "target": "b", "type": "partner", "since": "2020-01-01"},
                {"source": "a", "target": "b", "type": "partner", "since": "2021-01-01"},
            ]
        ),
    )
    store.close()
    with sqlite3.connect(tmp_path / "m.db") as edit:
        edit.execute("UPDATE organizations SET members = 12.0, name = 7 WHERE id = 'b'")
        edit.execute("UPDATE ties SET since = '2022-01-01' WHERE since = '2020-01-01'")
    store = SQLiteStore(tmp_path / "m.db")
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    store.close()
    assert orgs.loc[1, "name"] == "7"
    assert orgs.loc[1, "members"] == 12
    assert ties["since"].tolist() == ["2021-01-01", "2022-01-01"]
