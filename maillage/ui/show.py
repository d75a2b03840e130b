"""Small rendering helpers shared by the pages: labels, a chart with its table, empty states."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from maillage.ground.i18n import format_number
from maillage.ground.regions import regions
from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES
from maillage.loaders.html_map import TYPE_COLOURS
from maillage.ui import state
from maillage.ui.state import t

OTHER_COLOUR = "#999999"


def missing(value: object) -> bool:
    """Whether a cell is empty: None, '', NaN or pandas' NA.

    >>> missing(pd.NA), missing(float("nan")), missing(""), missing("Montréal"), missing(0)
    (True, True, True, False, False)
    """
    if value is None or (isinstance(value, str) and not value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def type_label(kind: object) -> str:
    """An organization type in the language in force."""
    return t(f"type.{kind}") if kind in ORGANIZATION_TYPES else str(kind or "—")


def tie_label(kind: object) -> str:
    """A tie type in the language in force."""
    return t(f"tie.{kind}") if kind in TIE_TYPES else str(kind or "—")


def region_label(code: object, country: object = None) -> str:
    """A region code as its name in the language in force; a missing one is an unknown
    region (outside Québec only for an organization whose country is not Canada)."""
    if missing(code):
        abroad = not missing(country) and str(country) != "CA"
        return t("common.outside_quebec") if abroad else t("region.unknown")
    found = regions().get(str(code))
    if found is None:
        return str(code)
    return found.name_fr if state.language() == "fr" else found.name_en


def number(value: float | int | None, digits: int = 0) -> str:
    """A number written the local way."""
    return format_number(value, state.language(), digits=digits)


def type_scale() -> alt.Scale:
    """The Altair colour scale giving each (translated) type its map colour."""
    return alt.Scale(
        domain=[type_label(k) for k in ORGANIZATION_TYPES],
        range=[TYPE_COLOURS[k] for k in ORGANIZATION_TYPES],
    )


def chart_and_table(
    title: str,
    chart: alt.Chart | alt.LayerChart | None,
    table: pd.DataFrame,
    *,
    key: str,
) -> None:
    """A titled chart with its table one click away (a second tab)."""
    st.subheader(title)
    if table.empty:
        st.info(t("common.none"))
        return
    chart_tab, table_tab = st.tabs([t("common.chart"), t("common.table")])
    with chart_tab:
        if chart is not None:
            st.altair_chart(chart, width="stretch")
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            t("common.download_csv"),
            table.to_csv(index=False).encode("utf-8"),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"download.{key}",
        )


_COLUMN_KEYS = {
    "id": "field.id",
    "name": "field.name",
    "type": "field.type",
    "region": "field.region",
    "degree": "field.degree",
    "city": "field.city",
    "country": "field.country",
}


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """A graph/ table for people: types and regions in words, known headers translated,
    lists joined (a copy; the input is unchanged)."""
    shown = table.copy()
    if "type" in shown.columns:
        shown["type"] = shown["type"].map(type_label)
    if "region" in shown.columns:
        shown["region"] = shown["region"].map(region_label)
    for column in shown.columns:
        if shown[column].map(lambda v: isinstance(v, list | tuple)).any():
            shown[column] = shown[column].map(
                lambda v: " · ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return shown.rename(columns={k: t(v) for k, v in _COLUMN_KEYS.items()})


def options_of(values: Iterable[object]) -> list[str]:
    """Distinct non-empty values as sorted text (for filter choices)."""
    return sorted({str(v) for v in values if v is not None and not pd.isna(v) and str(v)})


def labelled(func: Callable[[Any], str], values: Iterable[Any]) -> Callable[[Any], str]:
    """A ``format_func`` naming ``values`` in the language in force *now*.

    Labels are computed while the page runs, so a widget redrawn later (or read by a
    test after the run) never mixes languages.
    """
    names = {value: func(value) for value in values}
    return lambda value: names.get(value, str(value))
