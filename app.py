"""The Maillage explorer: ``streamlit run app.py`` (or ``maillage app``) on MAILLAGE_DB."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import sidebar, state
from ui.state import t

PAGES_DIR = Path(__file__).resolve().parent / "ui" / "pages"

#: (script, url path, message key of the title, icon), in menu order.
PAGES = (
    ("overview.py", "overview", "page.overview", ":material/dashboard:"),
    ("alliance_map.py", "map", "page.map", ":material/hub:"),
    ("opportunities.py", "opportunities", "page.opportunities", ":material/handshake:"),
    ("gaps.py", "gaps", "page.gaps", ":material/join_inner:"),
    ("international.py", "international", "page.international", ":material/public:"),
    ("explore.py", "explore", "page.explore", ":material/search:"),
    ("data.py", "data", "page.data", ":material/database:"),
)


def run() -> None:
    """Build the navigation, draw the shared sidebar, run the chosen page, publish the view."""
    st.set_page_config(page_title="Maillage", page_icon=":material/hub:", layout="wide")
    state.keep("lang")  # a language just picked titles this run's menu already
    pages = [
        st.Page(
            PAGES_DIR / script,
            title=t(title),
            url_path=url_path,
            icon=icon,
            default=url_path == "overview",
        )
        for script, url_path, title, icon in PAGES
    ]
    chosen = st.navigation(pages)
    sidebar.render()
    chosen.run()
    state.publish()


if __name__ == "__main__":
    run()
