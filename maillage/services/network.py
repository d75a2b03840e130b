"""Memberships, recruitment and network health for both shells, with the spec's defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import networkx as nx
import pandas as pd

from maillage.graph import affiliation
from maillage.graph.affiliation import (
    AFFILIATION_TIES,
    membership_graph,
    network_overlap,
    two_mode_centrality,
)
from maillage.graph.health import Health, compare
from maillage.graph.health import health as scorecard
from maillage.graph.recruitment import recruitment_targets
from maillage.ground.i18n import format_number, translate
from maillage.ground.vocabulary import TIE_TYPES
from maillage.queries.store import Store
from maillage.services.views import TODAY, AsOf, BadRequest, View, day_of, read_view, resolve

#: How far back ``health`` compares by default.
DEFAULT_LOOKBACK: Final = dt.timedelta(days=365)


def affiliation_types(words: Sequence[str] | None) -> tuple[str, ...]:
    """The tie types read as memberships (default ``member_of`` and ``funds``), or
    :class:`BadRequest` for a type that is not one."""
    if not words:
        return tuple(AFFILIATION_TIES)
    chosen = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
    wrong = [w for w in chosen if w not in AFFILIATION_TIES]
    if wrong:
        raise BadRequest(
            f"not a membership tie type: {', '.join(wrong)}; use {', '.join(AFFILIATION_TIES)}"
        )
    return chosen


def memberships(view: View, *, tie_types: Sequence[str] | None = None) -> nx.Graph:
    """The two-mode graph of the view: members × the networks and funders they belong to."""
    return membership_graph(view.G, tie_types=affiliation_types(tie_types))


def _members_only(view: View, tie_types: Sequence[str] | None) -> nx.Graph:
    B = memberships(view, tie_types=tie_types)
    if B.number_of_edges() == 0:
        raise BadRequest(
            "no membership ties in what you may see: two-mode analyses need "
            + " or ".join(affiliation_types(tie_types))
            + " ties"
        )
    return B


def centrality(
    view: View, *, tie_types: Sequence[str] | None = None, seed: int = 0
) -> pd.DataFrame:
    """Two-mode degree, closeness and betweenness of members and groups (Borgatti &
    Everett's normalizations), one row per organization and mode, most central first."""
    B = _members_only(view, tie_types)
    options = {"types": list(affiliation_types(tie_types)), "seed": seed}
    table = view.cached("two_mode_centrality", options, lambda: two_mode_centrality(B, seed=seed))
    rows = pd.DataFrame(
        {
            "id": [B.nodes[v]["id"] for v in table.index],
            "name": [B.nodes[v].get("name") for v in table.index],
            "mode": table["mode"].to_numpy(),
            "type": [B.nodes[v].get("type") for v in table.index],
            "region": [B.nodes[v].get("region") for v in table.index],
            **{
                c: table[c].to_numpy()
                for c in ("degree", "degree_centrality", "closeness", "betweenness")
            },
        }
    )
    rows = rows.sort_values(
        ["mode", "betweenness", "degree", "id"], ascending=[True, False, False, True], kind="stable"
    ).reset_index(drop=True)
    rows.attrs.update(table.attrs)
    return rows


def overlap(
    view: View,
    *,
    network: str | None = None,
    tie_types: Sequence[str] | None = None,
    min_shared: int = 1,
) -> pd.DataFrame:
    """Pairs of networks sharing members (all pairs, or those of ``network``, an id or
    name): how many, the Jaccard share, and who the shared members are."""
    if min_shared < 1:
        raise BadRequest("--min-shared must be at least 1")
    B = _members_only(view, tie_types)
    pairs = network_overlap(B, min_shared=min_shared)
    names = view.names()
    first = [B.nodes[g]["id"] for g in pairs["group"]]
    second = [B.nodes[g]["id"] for g in pairs["other"]]
    rows = pd.DataFrame(
        {
            "network": first,
            "network_name": [names.get(i, i) for i in first],
            "other": second,
            "other_name": [names.get(i, i) for i in second],
            "shared": pairs["shared"].to_numpy(),
            "size": pairs["size"].to_numpy(),
            "other_size": pairs["other_size"].to_numpy(),
            "jaccard": pairs["jaccard"].to_numpy(),
            "members": [[B.nodes[m]["id"] for m in found] for found in pairs["members"]],
        }
    )
    rows["member_names"] = [
        ", ".join(str(names.get(i, i)) for i in found) for found in rows["members"]
    ]
    if network is not None:
        chosen = resolve(view.orgs, network)
        if ("group", chosen) not in B:
            raise BadRequest(f"{chosen} has no members in what you may see")
        mine = rows["other"] == chosen
        # The chosen network first in every row.
        rows.loc[mine, ["network", "network_name", "other", "other_name", "size", "other_size"]] = (
            rows.loc[mine, ["other", "other_name", "network", "network_name", "other_size", "size"]]
        ).to_numpy()
        rows = rows[rows["network"] == chosen].reset_index(drop=True)
    return rows


def comembership(
    view: View,
    *,
    organization: str | None = None,
    tie_types: Sequence[str] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Organizations meeting in the same networks, weighted by how exclusive those
    networks are (Newman): the pairs overall, or the co-members of ``organization``."""
    if top is not None and top < 1:
        raise BadRequest("--top must be at least 1")
    B = _members_only(view, tie_types)
    members = None
    if organization is not None:
        chosen = resolve(view.orgs, organization)
        if ("member", chosen) not in B:
            raise BadRequest(f"{chosen} is a member of nothing in what you may see")
        members = [("member", chosen)]
    pairs = affiliation.comembership(B, members=members, top=top)
    names = view.names()
    first = [B.nodes[m]["id"] for m in pairs["member"]]
    second = [B.nodes[m]["id"] for m in pairs["other"]]
    shared = [[B.nodes[g]["id"] for g in found] for found in pairs["groups"]]
    return pd.DataFrame(
        {
            "id": first,
            "name": [names.get(i, i) for i in first],
            "other": second,
            "other_name": [names.get(i, i) for i in second],
            "shared": pairs["shared"].to_numpy(),
            "weight": pairs["weight"].to_numpy(),
            "networks": shared,
            "network_names": [", ".join(str(names.get(i, i)) for i in found) for found in shared],
        }
    )


def recruitment(
    view: View,
    network: str,
    *,
    tie_types: Sequence[str] | None = None,
    top: int = 20,
) -> pd.DataFrame:
    """Recruitment targets of ``network`` (an id or name): non-members most like its
    members first, with the structured reasons (see :func:`reasons_text`)."""
    if top < 1:
        raise BadRequest("--top must be at least 1")
    chosen = resolve(view.orgs, network)
    types = affiliation_types(tie_types)
    table = view.cached(
        "recruitment",
        {"network": chosen, "types": list(types), "top": top},
        lambda: recruitment_targets(view.G, chosen, tie_types=types, top=top),
    )
    if table.attrs.get("members", 0) == 0:
        raise BadRequest(
            f"{chosen} has no members in what you may see ({' or '.join(types)} ties to it)"
        )
    rows = table.rename_axis("id").reset_index()
    rows.attrs.update(table.attrs)
    return rows


def reason_text(reason: Mapping[str, Any], language: str) -> str:
    """One structured reason of :func:`recruitment` written in ``language``.

    >>> reason = {"key": "recruitment.reason.sector", "value": "food", "share": 0.64,
    ...           "overall": 0.18}
    >>> reason_text(reason, "fr")
    "secteur food, comme 64\xa0% des membres (18\xa0% de l'ensemble)"
    """
    values = dict(reason)
    key = str(values.pop("key"))
    for share in ("share", "overall"):
        if share in values:
            values[share] = percent(float(values[share]), language)
    if key.endswith(".type") and values.get("value"):
        values["value"] = translate(language, f"type.{values['value']}")
    if "types" in values:
        values["types"] = ", ".join(
            translate(language, f"tie.{kind}") if kind in TIE_TYPES else str(kind)
            for kind in values["types"]
        )
    return translate(language, key, **values)


def reasons_text(reasons: Sequence[Mapping[str, Any]], language: str) -> str:
    """Reasons joined into one line."""
    return "; ".join(reason_text(reason, language) for reason in reasons)


def percent(share: float, language: str) -> str:
    """A share as a whole percentage written the local way (``64 %`` in both languages,
    a narrow no-break space in French)."""
    text = format_number(round(share * 100), language)
    return f"{text}\u00a0%"


@dataclass(frozen=True)
class HealthReport:
    """The scorecard at one date, compared with an earlier one."""

    as_of: dt.date | None
    since: dt.date | None
    now: Health = field(repr=False)
    before: Health | None = field(repr=False)
    table: pd.DataFrame = field(repr=False)


def health_of(view: View, *, seed: int = 0) -> Health:
    """The health scorecard of one view (cached by data version, audience and date)."""
    # Betweenness as ``metrics`` estimates it (the same seeded sample above 5,000
    # organizations), so both commands show the same brokers.
    return view.cached("health", {"seed": seed}, lambda: scorecard(view.G, seed=seed))


def health(
    store: Store,
    *,
    audience: str = "public",
    as_of: AsOf = TODAY,
    since: dt.date | None = None,
    compare_with_past: bool = True,
    seed: int = 0,
) -> HealthReport:
    """The health scorecard at ``as_of`` (today by default) and how each number moved
    since ``since`` (a year before ``as_of`` by default; none with
    ``compare_with_past=False``)."""
    now_view = read_view(store, audience=audience, as_of=as_of)
    now = health_of(now_view, seed=seed)
    day = day_of(as_of)
    before: Health | None = None
    if compare_with_past:
        if since is None:
            since = (day or dt.date.today()) - DEFAULT_LOOKBACK
        if day is not None and since >= day:
            raise BadRequest("--since must be before the date of the scorecard")
        before = health_of(read_view(store, audience=audience, as_of=since), seed=seed)
    table = compare(now, before) if before is not None else now.scorecard.copy()
    table.attrs.update(stage=now.stage, stage_before=before.stage if before else None)
    return HealthReport(day, since if before is not None else None, now, before, table)


def measure_name(measure: str, language: str) -> str:
    """The name of a scorecard measure."""
    return translate(language, f"health.{measure}.name")


def measure_meaning(measure: str, language: str) -> str:
    """What a scorecard measure means, in one sentence."""
    return translate(language, f"health.{measure}.meaning")


def stage_text(stage: str, language: str) -> tuple[str, str]:
    """A stage's name and what it means."""
    return (
        translate(language, f"health.stage.{stage}"),
        translate(language, f"health.stage.{stage}.meaning"),
    )
