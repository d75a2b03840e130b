"""The analyses both shells offer, with the spec's defaults, computed once per data version."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.graph.change import MOVER_METRICS, Change
from maillage.graph.change import diff as compare
from maillage.graph.gaps import GapSection, gap_report
from maillage.graph.metrics import METRICS_COLUMNS
from maillage.graph.metrics import metrics as compute_metrics
from maillage.graph.opportunities import opportunities as rank_opportunities
from maillage.graph.paths import ego_members, introduction_paths
from maillage.ground.regions import region_code
from maillage.ground.vocabulary import organization_type
from maillage.queries.store import GraphQuery, Store
from maillage.services.views import TODAY, AsOf, BadRequest, View, day_of, resolve

Samples = int | Literal["auto"] | None


def metrics(
    view: View,
    *,
    exact: bool = False,
    samples: int | None = None,
    seed: int = 0,
    roles_by: str = "type",
) -> pd.DataFrame:
    """The ``metrics`` table of the view (betweenness sampled above 5,000 organizations
    unless ``exact`` or ``samples``), from the cache when it was computed before."""
    if samples is not None and samples < 1:
        raise BadRequest("--samples must be at least 1")
    if roles_by not in ("type", "region"):
        raise BadRequest("roles are grouped by type or region")
    chosen: Samples = None if exact else (samples or "auto")
    weighted = bool(view.G.graph.get("weighted"))
    options = {"samples": chosen, "seed": seed, "weighted": weighted, "roles_by": roles_by}
    return view.cached(
        "metrics",
        options,
        lambda: compute_metrics(
            view.orgs,
            view.G,
            betweenness_samples=chosen,
            seed=seed,
            weighted=weighted,
            roles_by=roles_by,
        ),
    )


def top_organizations(
    table: pd.DataFrame,
    *,
    sort: str = "betweenness",
    org_type: str | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Rows of a metrics table, highest ``sort`` first (ties broken by id), of one type."""
    if sort not in table.columns:
        raise BadRequest(f"cannot sort by {sort!r}; columns: {', '.join(METRICS_COLUMNS)}")
    if top is not None and top < 1:
        raise BadRequest("--top must be at least 1")
    rows = table
    if org_type is not None:
        rows = rows[rows["type"] == organization_type_of(org_type)]
    rows = rows.sort_values([sort, "id"], ascending=[False, True], kind="stable")
    return rows if top is None else rows.head(top)


def organization_type_of(word: str) -> str:
    """The canonical organization type a user means, or :class:`BadRequest`."""
    found = organization_type(word)
    if found is None:
        raise BadRequest(f"unknown organization type {word!r}")
    return found


def region_of(text: str) -> str:
    """The region code a user means (code or name), or :class:`BadRequest`."""
    found = region_code(text)
    if found is None:
        raise BadRequest(f"unknown region {text!r}")
    return found


def type_pair(text: str) -> tuple[str, str]:
    """Two organization types from ``"enterprise,funder"``, or :class:`BadRequest`."""
    words = [w for w in text.split(",") if w.strip()]
    kinds = [organization_type(w) for w in words]
    if len(kinds) != 2 or kinds[0] is None or kinds[1] is None:
        raise BadRequest("--between needs two organization types, e.g. enterprise,funder")
    return kinds[0], kinds[1]


def gaps(view: View, *, seed: int = 0) -> list[GapSection]:
    """The gap report of the view, communities as in its metrics table."""
    community = metrics(view, seed=seed)["community"]
    return view.cached(
        "gaps", {"seed": seed}, lambda: gap_report(view.G, community=community, seed=seed)
    )


def opportunities(
    view: View,
    *,
    for_id: str | None = None,
    between: tuple[str, str] | None = None,
    region: str | None = None,
    top: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Ranked alliance opportunities of the view, with names and the introduction path.

    ``for_id`` may be an id or a name. One row per pair: ``source``, ``source_name``,
    ``target``, ``target_name``, ``score``, ``reasons`` and ``reasons_fr``, ``via`` (ids,
    a list) and ``via_names`` (" → "-joined).
    """
    if top < 1:
        raise BadRequest("--top must be at least 1")
    source = resolve(view.orgs, for_id) if for_id else None
    community = metrics(view, seed=seed)["community"]
    options = {"for": source, "between": between, "region": region, "top": top, "seed": seed}
    table = view.cached(
        "opportunities",
        options,
        lambda: rank_opportunities(
            view.G,
            for_id=source,
            between=between,
            region=region,
            top=top,
            community=community,
            seed=seed,
        ),
    )
    names = view.names()
    return pd.DataFrame(
        {
            "source": table["source"],
            "source_name": [names.get(s, s) for s in table["source"]],
            "target": table["target"],
            "target_name": [names.get(t, t) for t in table["target"]],
            "score": table["score"],
            "reasons": table["reasons"],
            "reasons_fr": table["reasons_fr"],
            "via": [list(path) for path in table["via"]],
            "via_names": [" → ".join(str(names.get(i, i)) for i in p) for p in table["via"]],
        }
    )


def paths(view: View, source: str, target: str, *, limit: int = 10) -> pd.DataFrame:
    """All shortest introduction paths between two organizations (ids or names), at most
    ``limit``; ``attrs["truncated"]`` says whether more exist."""
    if limit < 1:
        raise BadRequest("--limit must be at least 1")
    return introduction_paths(
        view.G, resolve(view.orgs, source), resolve(view.orgs, target), limit=limit
    )


def introduction_path(G: nx.Graph, source: str, target: str) -> list[str]:
    """The one introduction path every page and command shows for a pair: the first of
    :func:`paths` (ids from ``source`` to ``target``), [] when they are not connected."""
    if source == target or source not in G or target not in G:
        return []
    found = introduction_paths(G, source, target, limit=1)
    return [str(v) for v in found.iloc[0]["ids"]] if len(found) else []


def ego(
    store: Store,
    center: str,
    *,
    hops: int = 1,
    audience: str = "public",
    as_of: AsOf = TODAY,
) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """An organization's neighbourhood read locally from the store: its id, the members
    (nearest first), and the organizations and ties within ``hops``."""
    if hops < 0:
        raise BadRequest("--hops must be zero or more")
    day = day_of(as_of)
    # Names are resolved over the organizations alone (no ties): the read stays local.
    everyone, _ = store.read_graph(GraphQuery(audience=audience, as_of=day, tie_types=()))
    focus = resolve(everyone, center)
    orgs, ties = store.read_graph(GraphQuery(audience=audience, as_of=day, focus=focus, hops=hops))
    members = ego_members(alliance_graph(orgs, ties), focus, hops=hops)
    return focus, members, orgs, ties


def diff(
    store: Store,
    start: dt.date,
    end: dt.date,
    *,
    by: str = "betweenness",
    top: int = 20,
    audience: str = "public",
    seed: int = 0,
) -> Change:
    """What changed between two dates: ties gained and lost, movers, communities."""
    if by not in MOVER_METRICS:
        raise BadRequest(f"--by must be one of {', '.join(MOVER_METRICS)}")
    if top < 1:
        raise BadRequest("--top must be at least 1")
    orgs, ties = store.read_graph(GraphQuery(audience=audience))
    return compare(orgs, ties, start=start, end=end, by=by, top=top, seed=seed)
