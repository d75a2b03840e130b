"""Explorer sections on the whole network and on memberships: health, recruitment, two-mode."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.services import network
from maillage.services.views import BadRequest
from maillage.ui import data, state
from maillage.ui.show import readable, region_label, type_label
from maillage.ui.state import t


def render_health(version: str, audience: str, as_of: str) -> None:
    """The health scorecard of what the audience sees at the page's date, its stage, and
    how each number moved over the year before (Overview)."""
    language = state.language()
    st.subheader(t("network.health.title"))
    with st.spinner(t("common.computing")), data.store_in_use() as store:
        report = network.health(store, audience=audience, as_of=data.as_of_date(as_of))
    name, meaning = network.stage_text(report.now.stage, language)
    before = network.stage_text(report.before.stage, language)[0] if report.before else None
    left, right = st.columns([1, 3])
    left.metric(
        t("network.health.stage"),
        name,
        delta=None if before in (None, name) else f"← {before}",
        delta_color="off",
    )
    right.caption(meaning)
    if report.since is not None:
        right.caption(f"{t('network.health.since')} {report.since.isoformat()}")
    table = report.table
    shown = pd.DataFrame(
        {
            t("network.health.measure"): [network.measure_name(m, language) for m in table.index],
            t("network.health.value"): table["value"].round(4).to_numpy(),
            t("network.health.expected"): table["expected"].round(4).to_numpy(),
            **(
                {
                    t("network.health.before"): table["before"].round(4).to_numpy(),
                    t("network.health.change"): table["change"].round(4).to_numpy(),
                }
                if "before" in table.columns
                else {}
            ),
            t("network.health.meaning"): [
                network.measure_meaning(m, language) for m in table.index
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    with st.expander(t("network.health.groups")):
        groups = report.now.groups.copy()
        region_rows = groups["by"] == "region"
        groups.loc[region_rows, "group"] = groups.loc[region_rows, "group"].map(region_label)
        type_rows = groups["by"] == "type"
        groups.loc[type_rows, "group"] = groups.loc[type_rows, "group"].map(type_label)
        st.dataframe(groups.round(4), hide_index=True, width="stretch")
    organizations = report.now.organizations
    cuts = organizations[organizations["cut_off"] > 0].sort_values(
        "cut_off", ascending=False, kind="stable"
    )
    with st.expander(f"{t('network.health.articulation')} ({len(cuts)})"):
        names = data.view(version, audience, as_of).names()
        st.dataframe(
            pd.DataFrame(
                {
                    t("common.name"): [names.get(i, i) for i in cuts.index],
                    t("network.health.cut_off"): cuts["cut_off"].to_numpy(),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def render_recruitment(version: str, audience: str, as_of: str) -> None:
    """Recruitment targets of a network chosen among those with members (Opportunities)."""
    language = state.language()
    st.subheader(t("network.recruitment.title"))
    seen = data.view(version, audience, as_of)
    try:
        groups = network.centrality(seen)
    except BadRequest:
        st.info(t("network.memberships.none"))
        return
    recruiting = groups[groups["mode"] == "group"].sort_values(
        ["degree", "id"], ascending=[False, True], kind="stable"
    )
    choices = recruiting["id"].tolist()
    names = dict(zip(recruiting["id"], recruiting["name"], strict=True))
    chosen = st.selectbox(
        t("network.recruitment.network"),
        choices,
        key="network.recruiting",
        format_func=lambda i: f"{names.get(i) or i}",
    )
    if not chosen:
        return
    targets = network.recruitment(seen, chosen, top=30)
    st.caption(state.tn("network.recruitment.count", int(targets.attrs.get("members", 0))))
    shown = readable(targets[["name", "type", "region", "sector", "score"]]).assign(
        score=targets["score"].round(3).to_numpy(),
        reasons=[network.reasons_text(r, language) for r in targets["reasons"]],
    )
    st.dataframe(
        shown.rename(columns={"reasons": t("common.reasons"), "score": t("common.score")}),
        hide_index=True,
        width="stretch",
    )


def render_memberships(version: str, audience: str, as_of: str) -> None:
    """Memberships read as a two-mode network: networks sharing members, organizations
    meeting in the same networks, who is central in that web (Opportunities)."""
    st.subheader(t("network.memberships.title"))
    seen = data.view(version, audience, as_of)
    try:
        overlap = network.overlap(seen)
        together = network.comembership(seen, top=50)
        central = network.centrality(seen)
    except BadRequest:
        st.info(t("network.memberships.none"))
        return
    shared, pairs, centre = st.tabs(
        [
            t("network.overlap.title"),
            t("network.comembership.title"),
            t("network.memberships.centrality"),
        ]
    )
    with shared:
        st.dataframe(
            pd.DataFrame(
                {
                    t("common.name"): overlap["network_name"],
                    t("network.other"): overlap["other_name"],
                    t("network.overlap.shared"): overlap["shared"],
                    t("network.overlap.jaccard"): overlap["jaccard"].round(3),
                    t("network.overlap.who"): overlap["member_names"],
                }
            ).head(50),
            hide_index=True,
            width="stretch",
        )
    with pairs:
        st.dataframe(
            pd.DataFrame(
                {
                    t("common.name"): together["name"],
                    t("network.other"): together["other_name"],
                    t("network.overlap.shared"): together["shared"],
                    t("network.comembership.weight"): together["weight"].round(3),
                    t("network.memberships.title"): together["network_names"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    with centre:
        st.caption(t("network.memberships.centrality_help"))
        modes = {"member": t("network.memberships.member"), "group": t("network.memberships.group")}
        st.dataframe(
            readable(central.head(40))
            .assign(mode=central["mode"].head(40).map(modes))
            .rename(columns={"mode": t("network.memberships.mode")})
            .round(4),
            hide_index=True,
            width="stretch",
        )
