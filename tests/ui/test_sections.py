"""The data steward's sections of the explorer: provenance on the card, the duplicate review."""

from __future__ import annotations

from maillage.queries.sqlite_store import SQLiteStore
from maillage.services.auth import hash_password
from maillage.services.loading import load_workbook
from tests.ui.test_pages import opened, texts


def test_the_card_shows_where_each_value_comes_from(app):
    opened(app, "explore", lang="en", focus="chantier-es")
    assert "Where the values come from" in texts(app)
    claims = [frame.value for frame in app.dataframe if "Source" in frame.value.columns]
    assert claims, "no provenance table"
    table = claims[0]
    assert set(table["Source"]) == {"demo"}  # the demo tables load as the source "demo"
    assert "File and line" not in table.columns  # public audience: no file names


def test_stewards_review_duplicates_side_by_side(app, tmp_path, monkeypatch):
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name,type,city\n"
        "coop-1,Coopérative de solidarité L'Éveil,enterprise,Rimouski\n"
        "coop-2,Coop L'Eveil inc.,enterprise,Rimouski\n",
        encoding="utf-8",
    )
    with SQLiteStore(tmp_path / "review.db") as store:
        load_workbook([folder], store)
    monkeypatch.setenv("MAILLAGE_DB", str(tmp_path / "review.db"))
    monkeypatch.setenv("MAILLAGE_PASSWORD_HASH_PRIVATE", hash_password("private password"))
    opened(app, "data", lang="en")
    assert "Duplicates to review" in texts(app)
    assert not app.data_editor  # the public audience sees no review
    app.sidebar.selectbox(key="sidebar.audience_choice").set_value("private").run()
    app.sidebar.text_input[0].input("private password")
    app.sidebar.button[0].click().run()
    assert not app.exception
    (review,) = app.data_editor
    row = review.value.iloc[0]
    assert row["left"] == "Coopérative de solidarité L'Éveil (coop-1)"
    assert row["right"] == "Coop L'Eveil inc. (coop-2)"
    assert (row["decision"], row["keep"], row["left_city"]) == (
        "Later",
        "Organization A",
        "Rimouski",
    )
    app.button(key="review.apply").click().run()
    assert [i.value for i in app.info][-1] == "No decision to apply."
