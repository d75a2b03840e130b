"""The analyses both shells offer, with the spec's defaults, computed once per data version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.graph.change import MOVER_METRICS, Change
from maillage.graph.change import diff as compare
from maillage.graph.communities import community_profiles
from maillage.graph.gaps import GapSection, gap_report
from maillage.graph.metrics import METRICS_COLUMNS
from maillage.graph.metrics import metrics as compute_metrics
from maillage.graph.opportunities import opportunities as rank_opportunities
from maillage.graph.paths import ego_members, introduction_paths
from maillage.ground.i18n import format_number, translate, translate_plural
from maillage.ground.regions import region_code, regions
from maillage.ground.vocabulary import ORGANIZATION_TYPES, organization_type
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
    """Rows of a metrics table, highest ``sort`` first (ties broken by id), of one type.

    Organizations with no tie come after every tied one whatever ``sort`` says: with
    one pole and its members, most measures tie, and an organization nobody is tied
    to must not fill the top places by the alphabet.

    >>> table = pd.DataFrame({"id": ["a", "b", "c"], "degree": [0, 1, 1],
    ...                       "betweenness": [0.0, 0.0, 0.0]})
    >>> top_organizations(table)["id"].tolist()
    ['b', 'c', 'a']
    """
    if sort not in table.columns:
        raise BadRequest(f"cannot sort by {sort!r}; columns: {', '.join(METRICS_COLUMNS)}")
    if top is not None and top < 1:
        raise BadRequest("--top must be at least 1")
    rows = table
    if org_type is not None:
        rows = rows[rows["type"] == organization_type_of(org_type)]
    alone = rows["degree"] == 0 if "degree" in rows.columns else False
    rows = (
        rows.assign(_alone=alone)
        .sort_values(["_alone", sort, "id"], ascending=[True, False, True], kind="stable")
        .drop(columns="_alone")
    )
    return rows if top is None else rows.head(top)


#: Metrics columns that rank organizations (checked by :func:`constant_columns`).
RANKING_COLUMNS = (
    "degree",
    "degree_centrality",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
    "constraint",
    "effective_size",
    "hierarchy",
)


def constant_columns(table: pd.DataFrame) -> dict[str, Any]:
    """Ranking columns with one value for every organization that has one: they rank
    nobody, and a reader should be told rather than read an order into them.

    >>> constant_columns(pd.DataFrame({"degree": [1, 1], "closeness": [0.5, 0.25]}))
    {'degree': 1}
    """
    found: dict[str, Any] = {}
    for column in RANKING_COLUMNS:
        if column in table.columns:
            values = table[column].dropna()
            if len(values) and values.nunique() == 1:
                value = values.iloc[0]
                found[column] = value.item() if hasattr(value, "item") else value
    return found


def constant_notes(table: pd.DataFrame, language: str) -> list[str]:
    """One sentence per ranking column that is the same for every organization."""
    return [
        translate(
            language,
            "metrics.constant",
            column=column,
            value=written(value, language),
        )
        for column, value in constant_columns(table).items()
    ]


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


@dataclass(frozen=True)
class ShownSection:
    """A section of a report as both shells show it: written in one language."""

    key: str
    title: str
    explanation: str
    table: pd.DataFrame = field(repr=False)
    skipped: bool = False


def gap_sections(view: View, *, language: str, seed: int = 0) -> list[ShownSection]:
    """The gap report written in ``language``: titles, explanations (or the note saying
    why a section was skipped) and tables, communities named by what dominates them."""
    shown = []
    for section in gaps(view, seed=seed):
        title, explanation = gap_text(section, language)
        table = section.table
        if section.key == "structural_holes" and not section.skipped:
            table = with_community_labels(
                table, profiles(view, seed=seed), language, ("community_a", "community_b")
            )
        shown.append(ShownSection(section.key, title, explanation, table, section.skipped))
    return shown


def gap_text(section: GapSection, language: str) -> tuple[str, str]:
    """The title and explanation of a gap section in ``language`` (the note saying what
    is missing when it was skipped).

    >>> from maillage.graph.gaps import enterprises_without_network
    >>> gap_text(enterprises_without_network(nx.Graph([("a", "b")])), "en")[1]
    'Not computed: this section needs member_of ties (who is a member of which network), and the data you see has none.'
    """  # noqa: E501
    title = translate(language, section.title_key)
    if section.skipped:
        needs = ", ".join(translate(language, key) for key in section.needs)
        return title, translate(language, "gaps.skipped", needs=needs)
    values = {key: written(value, language) for key, value in section.values.items()}
    return title, translate_plural(language, section.explanation_key, section.count, **values)


def written(value: Any, language: str) -> str:
    """A value for a sentence: numbers the local way, a tuple of catalogue keys as their
    translations joined by commas.

    >>> written(1219, "fr") == "1\xa0219", written(("continent.AF", "continent.OC"), "en")
    (True, 'Africa, Oceania')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, language, digits=0 if float(value).is_integer() else 2)
    if isinstance(value, tuple | list):
        return ", ".join(translate(language, str(key)) for key in value)
    return str(value)


def profiles(view: View, *, seed: int = 0) -> pd.DataFrame:
    """What dominates each community of the view's metrics (region, type, sector, hub)."""
    community = metrics(view, seed=seed)["community"]
    return view.cached(
        "community_profiles", {"seed": seed}, lambda: community_profiles(view.G, community)
    )


def community_label(profile: Mapping[str, Any], language: str) -> str:
    """A community named by what dominates it: main region, type, sector and hub.

    >>> community_label({"region": "06", "type": "enterprise", "sector": "food",
    ...                  "hub_name": "Pôle ÉS"}, "fr")
    'Montréal · entreprise · food · autour de Pôle ÉS'
    """
    parts = []
    region = profile.get("region")
    if region:
        known = regions().get(str(region))
        parts.append(
            str(region) if known is None else (known.name_fr if language == "fr" else known.name_en)
        )
    kind = profile.get("type")
    if kind:
        parts.append(translate(language, f"type.{kind}") if kind in ORGANIZATION_TYPES else kind)
    if profile.get("sector"):
        parts.append(str(profile["sector"]))
    if profile.get("hub_name"):
        parts.append(translate(language, "community.hub", name=profile["hub_name"]))
    return " · ".join(parts)


def with_community_labels(
    table: pd.DataFrame, profiles: pd.DataFrame, language: str, columns: Iterable[str]
) -> pd.DataFrame:
    """A copy of ``table`` with a ``<column>_label`` after each community column (numbers,
    or lists of numbers), naming each community by :func:`community_label`."""
    labels = {
        int(number): community_label({str(k): v for k, v in row.items()}, language)
        for number, row in zip(profiles.index, profiles.to_dict("records"), strict=True)
    }

    def name(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [labels.get(int(v), str(v)) for v in value]
        if value is None or pd.isna(value):
            return None
        return labels.get(int(value), str(value))

    labelled = table.copy()
    for column in columns:
        if column in labelled.columns:
            place = list(labelled.columns).index(column) + 1
            labelled.insert(place, f"{column}_label", labelled[column].map(name))
    return labelled


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


def labelled_changes(change: Change, language: str) -> pd.DataFrame:
    """The community changes of a diff, each community named as it was at its date."""
    labelled = with_community_labels(
        change.community_changes, change.profiles_before, language, ("before",)
    )
    return with_community_labels(labelled, change.profiles_after, language, ("after",))


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
