"""The sidebar every page shares: language, audience (with its password) and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import streamlit as st

from maillage.ground.dates import BadDate
from maillage.ground.i18n import LANGUAGES
from maillage.ground.vocabulary import AUDIENCES
from maillage.ui import data, state
from maillage.ui.state import t

_AUDIENCE = "_maillage_audience"


def audience() -> str:
    """The audience in force for this session (``public`` until a password opens more)."""
    granted = st.session_state.get(_AUDIENCE, "public")
    return granted if granted in AUDIENCES else "public"


def _secrets() -> Mapping[str, Any] | None:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml: Streamlit raises its own FileNotFoundError kinds
        return None


def _unlock(wanted: str, password: str) -> bool:
    from maillage.services import auth

    try:
        return bool(auth.check_audience_password(wanted, password, secrets=_secrets()))
    except auth.AuthConfigError as error:
        st.sidebar.error(str(error))
        return False


def _audience_box() -> None:
    labels = {a: t(f"audience.{a}") for a in AUDIENCES}
    current = audience()
    wanted = st.sidebar.selectbox(
        t("sidebar.audience"),
        AUDIENCES,
        index=AUDIENCES.index(current),
        format_func=labels.__getitem__,
        key="sidebar.audience_choice",
    )
    if wanted == current:
        return
    if wanted == "public" or AUDIENCES.index(wanted) < AUDIENCES.index(current):
        st.session_state[_AUDIENCE] = wanted
        st.rerun()
    with st.sidebar.form("unlock", clear_on_submit=True):
        password = st.text_input(t("sidebar.password"), type="password")
        if st.form_submit_button(t("sidebar.unlock")):
            if _unlock(wanted, password):
                st.session_state[_AUDIENCE] = wanted
                st.rerun()
            else:
                st.error(t("sidebar.wrong_password"))


def _date_box() -> None:
    """The view's date: today by default (as in the CLI), a day picked, or every date."""
    chosen = state.get("as_of")
    today = dt.date.today()
    try:
        day = data.day_shown(chosen)
    except BadDate:
        st.sidebar.error(t("sidebar.bad_date", text=chosen))
        chosen, day = "", today
    every_date = st.sidebar.checkbox(
        t("sidebar.all_dates"), value=chosen == data.EVERY_DATE, key="all_dates"
    )
    if every_date:
        state.view()["as_of"] = data.EVERY_DATE
        return
    picked = st.sidebar.date_input(
        t("sidebar.as_of"),
        value=day or today,
        min_value=dt.date(1900, 1, 1),
        max_value=dt.date(2100, 12, 31),
        key="as_of_date",
    )
    # Today is the default: the URL keeps following the calendar.
    is_day = isinstance(picked, dt.date) and picked != today
    state.view()["as_of"] = picked.isoformat() if is_day else ""  # type: ignore[union-attr]


def render() -> None:
    """Draw the shared sidebar and the audience banner of the page."""
    # The store line's place comes first, so it stays put when the unlock form comes and
    # goes (no stale copy); it is written once the language is known.
    store_line = st.sidebar.empty()
    st.sidebar.radio(
        t("sidebar.language"),
        LANGUAGES,
        key=state.widget_key("lang", LANGUAGES),
        format_func={"fr": "Français", "en": "English"}.__getitem__,
        horizontal=True,
    )
    state.keep("lang")
    info = data.store_info()
    store_line.caption(t("sidebar.store", backend=info.backend, version=info.data_version[:8]))
    _audience_box()
    _date_box()
    st.caption("🔒 " + t("audience.in_force", audience=t(f"audience.{audience()}")))
