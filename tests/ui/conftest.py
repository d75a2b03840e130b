"""A small demo store (synthetic scale 0.05 plus one hostile name) shared by the UI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

APP = Path(__file__).resolve().parents[2] / "maillage" / "app.py"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ID = "hostile-org"


def demo_tables(scale: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic demo workbook tables plus an organization whose name is an XSS probe."""
    from maillage.demo.synthetic import generate

    orgs, ties = generate(seed=2026, scale=scale)
    hub = str(orgs.loc[orgs["type"].astype(str).str.contains("network|reseau"), "id"].iloc[0])
    hostile = pd.DataFrame(
        [
            {
                "id": HOSTILE_ID,
                "name": HOSTILE,
                "type": "enterprise",
                "region": "06",
                "city": "Montréal",
                "country": "CA",
                "sector": "<script>alert(2)</script>",
            }
        ]
    )
    link = pd.DataFrame([{"source": HOSTILE_ID, "target": hub, "type": "member_of"}])
    return (
        pd.concat([orgs, hostile], ignore_index=True),
        pd.concat([ties, link], ignore_index=True),
    )


def build_store(path: Path, scale: float = 0.05) -> Path:
    """Load the demo tables into an embedded store at ``path``."""
    from maillage.queries.sqlite_store import SQLiteStore
    from maillage.services.loading import load_tables

    orgs, ties = demo_tables(scale)
    with SQLiteStore.at(path) as store:
        load_tables(orgs, ties, store, label="demo")
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("ui") / "demo.db")


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """An AppTest of app.py on the demo store, caches cleared so no other store leaks in."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MAILLAGE_DB", str(demo_db))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(APP), default_timeout=120)
    st.cache_resource.clear()
    st.cache_data.clear()
