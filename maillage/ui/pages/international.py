"""International: partners abroad on a world map, arcs to the Québec organizations tied to them."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st

from maillage.ui import data, geo, sidebar, state
from maillage.ui.show import TYPE_COLOURS, chart_and_table, number, type_label
from maillage.ui.state import t

st.title(t("intl.title"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, ties = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()


@st.cache_data(show_spinner=False, max_entries=8)
def partner_tables(
    version: str, audience: str, as_of: str
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Located partners (with their Québec holders) and arcs, plus how many could not be placed."""
    orgs, ties = data.frames(version, audience, as_of)
    abroad = (orgs["type"] == "international_partner") | (orgs["country"].fillna("CA") != "CA")
    partners = orgs.loc[abroad].copy()
    home = orgs.loc[~abroad].set_index("id")
    ids = set(partners["id"])
    links = pd.concat(
        [
            ties.loc[ties["source"].isin(ids), ["source", "target", "type"]].rename(
                columns={"source": "partner", "target": "holder"}
            ),
            ties.loc[ties["target"].isin(ids), ["target", "source", "type"]].rename(
                columns={"target": "partner", "source": "holder"}
            ),
        ]
    )
    links = links.loc[links["holder"].isin(home.index)].drop_duplicates(["partner", "holder"])
    places = {
        row.id: geo.locate(row.lat, row.lon, row.city, row.country)
        for row in partners.itertuples(index=False)
    }
    partners["lat"] = [p[0] if p else None for p in (places[i] for i in partners["id"])]
    partners["lon"] = [p[1] if p else None for p in (places[i] for i in partners["id"])]
    partners["continent"] = partners["country"].map(geo.continent)
    names = home["name"].to_dict()
    partners["holders"] = [
        sorted(names[h] for h in links.loc[links["partner"] == i, "holder"]) for i in partners["id"]
    ]
    holder_places = {
        h: geo.locate(
            home.at[h, "lat"], home.at[h, "lon"], home.at[h, "city"], home.at[h, "country"] or "CA"
        )
        or (*geo.QUEBEC_CENTRE, "region")
        for h in set(links["holder"])
    }
    arcs = pd.DataFrame(
        {
            "partner": [partners.set_index("id").at[p, "name"] for p in links["partner"]],
            "holder": [names[h] for h in links["holder"]],
            "type": list(links["type"]),
            "from": [[places[p][1], places[p][0]] if places[p] else None for p in links["partner"]],
            "to": [[holder_places[h][1], holder_places[h][0]] for h in links["holder"]],
        }
    ).dropna(subset=["from"])
    unlocated = int(partners["lat"].isna().sum())
    return partners.reset_index(drop=True), arcs.reset_index(drop=True), unlocated


partners, arcs, unlocated = partner_tables(version, audience, as_of)
columns = st.columns(3)
columns[0].metric(t("intl.title"), number(len(partners)))
columns[1].metric(t("intl.countries"), number(partners["country"].nunique()))
columns[2].metric(t("intl.continents"), number(partners["continent"].nunique()))

st.subheader(t("intl.map"))
located = partners.dropna(subset=["lat", "lon"])
points = pd.DataFrame(
    {
        "name": located["name"],
        "lat": located["lat"],
        "lon": located["lon"],
        "label": [
            f"{n} — {geo.country_name(c)} ({len(h)})"
            for n, c, h in zip(located["name"], located["country"], located["holders"], strict=True)
        ],
    }
)
partner_rgb = [int(TYPE_COLOURS["international_partner"][i : i + 2], 16) for i in (1, 3, 5)]
holder_rgb = [int(TYPE_COLOURS["network"][i : i + 2], 16) for i in (1, 3, 5)]
arc_rows = arcs.assign(label=arcs["partner"] + " — " + arcs["holder"])
deck = pdk.Deck(
    layers=[
        pdk.Layer(
            "GeoJsonLayer",
            geo.country_outlines(),
            stroked=True,
            filled=True,
            get_fill_color=[235, 235, 230],
            get_line_color=[160, 160, 160],
            line_width_min_pixels=0.5,
        ),
        pdk.Layer(
            "PathLayer",
            geo.graticule(),
            get_path="path",
            get_color=[210, 210, 225],
            width_min_pixels=0.5,
        ),
        pdk.Layer(
            "ArcLayer",
            arc_rows,
            get_source_position="from",
            get_target_position="to",
            get_source_color=partner_rgb,
            get_target_color=holder_rgb,
            get_width=1.5,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            points,
            get_position=["lon", "lat"],
            get_fill_color=partner_rgb,
            get_radius=60000,
            radius_min_pixels=3,
            pickable=True,
        ),
    ],
    initial_view_state=pdk.ViewState(latitude=30, longitude=-30, zoom=0.8),
    map_provider=None,
    tooltip={"text": "{label}"},
)
st.pydeck_chart(deck, height=520)
st.caption(t("intl.basemap"))
if unlocated:
    st.caption(t("intl.unlocated", count=number(unlocated)))

left, right = st.columns(2)
with left:
    by_continent = (
        partners["continent"]
        .fillna("?")
        .map(lambda c: t(f"continent.{c}") if c != "?" else t("common.unknown"))
        .value_counts()
        .rename_axis(t("common.continent"))
        .reset_index(name=t("common.count"))
    )
    chart = (
        alt.Chart(by_continent)
        .mark_bar()
        .encode(x=f"{t('common.count')}:Q", y=alt.Y(f"{t('common.continent')}:N", sort="-x"))
    )
    chart_and_table(t("intl.by_continent"), chart, by_continent, key="partners_by_continent")
with right:
    by_country = (
        partners["country"]
        .fillna("")
        .map(lambda c: geo.country_name(c) or t("common.unknown"))
        .value_counts()
        .rename_axis(t("common.country"))
        .reset_index(name=t("common.count"))
    )
    chart = (
        alt.Chart(by_country.head(25))
        .mark_bar()
        .encode(x=f"{t('common.count')}:Q", y=alt.Y(f"{t('common.country')}:N", sort="-x"))
    )
    chart_and_table(t("intl.by_country"), chart, by_country, key="partners_by_country")

st.subheader(t("intl.partners"))
table = pd.DataFrame(
    {
        t("common.name"): partners["name"],
        t("common.type"): partners["type"].map(type_label),
        t("common.city"): partners["city"],
        t("common.country"): partners["country"].map(geo.country_name),
        t("common.continent"): partners["continent"].map(
            lambda c: t(f"continent.{c}") if isinstance(c, str) else ""
        ),
        t("intl.holders"): [" · ".join(h) for h in partners["holders"]],
    }
).sort_values(t("common.name"), kind="stable")
st.dataframe(table, hide_index=True, width="stretch")
