"""Raw tables keep every cell of every record shape: full, short, padded, overlong."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from maillage.loaders.tables import read_csv_bytes, table_from_frame


def rows_of(text: str) -> list[tuple[int, dict[str, str], dict[str, str]]]:
    table = read_csv_bytes(text.encode(), label="t.csv")
    return [(row.line, row.cells, row.extras) for row in table.rows]


def test_known_columns_are_stripped_and_unknown_ones_kept_as_extras():
    assert rows_of("id,Nom,Couleur,type\n a , B ,vert , network \n") == [
        (2, {"id": "a", "name": "B", "type": "network"}, {"Couleur": "vert "})
    ]


def test_a_short_record_keeps_the_cells_it_has():
    assert rows_of("id,name,type,Couleur\na,B\n") == [(2, {"id": "a", "name": "B"}, {})]


def test_blank_cells_past_the_last_column_are_ignored():
    assert rows_of("id,name,type\na,B,network,, \n") == [
        (2, {"id": "a", "name": "B", "type": "network"}, {})
    ]


def test_an_overlong_record_is_a_problem_and_not_a_row():
    table = read_csv_bytes(b"id,name,type\na,B,network,extra\n", label="t.csv")
    assert table.rows == []
    assert [(p.line, p.message) for p in table.problems] == [(2, "4 cells but 3 columns")]


def test_a_column_without_a_header_is_dropped():
    assert rows_of("id,,name,type\na,x,B,network\n") == [
        (2, {"id": "a", "name": "B", "type": "network"}, {})
    ]


def test_frames_become_text_as_written_to_csv():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "lat": [45.5, np.nan, 2.0],
            "founded": pd.array([1990, None, 2001], dtype="Int64"),
            "since": [dt.date(2020, 1, 2), None, "2021"],
            "active": [True, False, True],
        }
    )
    table = table_from_frame(frame, label="frame")
    assert [row.cells | row.extras for row in table.rows] == [
        {"id": "a", "lat": "45.5", "founded": "1990", "since": "2020-01-02", "active": "true"},
        {"id": "b", "lat": "", "founded": "", "since": "", "active": "false"},
        {"id": "c", "lat": "2", "founded": "2001", "since": "2021", "active": "true"},
    ]
    assert [row.line for row in table.rows] == [2, 3, 4]
