"""Page under construction."""

from __future__ import annotations

import streamlit as st

from ui.state import t

st.title(t("page.data"))
