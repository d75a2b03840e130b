"""The Maillage explorer's Streamlit script (``maillage app`` runs it) on MAILLAGE_DB."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from maillage.ui import sidebar, state
from maillage.ui.state import t

PAGES_DIR = Path(__file__).resolve().parent / "ui" / "pages"

#: (script, url path, message key of the title), in menu order. No page icons: Streamlit turns
#: a Material icon into a favicon fetched from a font CDN, and emoji need an emoji font.
PAGES = (
    ("overview.py", "overview", "page.overview"),
    ("alliance_map.py", "map", "page.map"),
    ("opportunities.py", "opportunities", "page.opportunities"),
    ("gaps.py", "gaps", "page.gaps"),
    ("international.py", "international", "page.international"),
    ("explore.py", "explore", "page.explore"),
    ("data.py", "data", "page.data"),
)


def run() -> None:
    """Build the navigation, draw the shared sidebar, run the chosen page, publish the view."""
    st.set_page_config(page_title="Maillage", layout="wide")
    state.enter("sidebar")
    state.keep("lang")  # a language just picked titles this run's menu already
    pages = [
        st.Page(
            PAGES_DIR / script,
            title=t(title),
            url_path=url_path,
            default=url_path == "overview",
        )
        for script, url_path, title in PAGES
    ]
    chosen = st.navigation(pages)
    sidebar.render()
    state.enter(chosen.url_path or "overview")
    chosen.run()
    state.publish()


if __name__ == "__main__":
    run()
