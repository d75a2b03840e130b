"""Duplicate review for data stewards: suggested pairs side by side, merges that last, refusals
that are remembered, a whole review file applied in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from maillage.ground.ledger import Change, decode_records
from maillage.loaders.duplicates import REVIEW_COLUMNS, suggest_duplicates
from maillage.loaders.ledger import (
    LedgerError,
    State,
    merge_groups,
    plan_merge,
    plan_reject,
    stored_organizations,
    stored_ties,
)
from maillage.loaders.review import ReviewError, read_review
from maillage.queries.store import GraphQuery, LedgerReader, Store
from maillage.services.views import BadRequest


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def duplicates(store: Store, *, threshold: float = 0.85) -> pd.DataFrame:
    """Likely duplicate pairs over every visibility (stewards review the whole store),
    names, cities, NEQs and sources side by side, pairs already refused left out."""
    if not 0 <= threshold <= 1:
        raise BadRequest("--threshold is a score between 0 and 1")
    orgs, _ = store.read_graph(GraphQuery(audience="private", tie_types=()))
    rejected = [(d.left, d.right) for d in store.decisions() if d.kind == "reject"]
    return suggest_duplicates(
        orgs, threshold=threshold, rejected=rejected, sources=sources_by_organization(store)
    )


def sources_by_organization(store: Store) -> dict[str, str]:
    """The sources describing each organization, ``|``-separated."""
    found = {}
    for org_id, text in zip(*(store.read_records()[c] for c in ("id", "records")), strict=True):
        names = dict.fromkeys(record.source for record in decode_records(text))
        found[str(org_id)] = "|".join(names)
    return found


@dataclass(frozen=True)
class Merged:
    """What a merge (or a whole review) did."""

    kept: list[str]
    removed: list[str]
    rejected: int
    ties_moved: int
    data_version: str
    notices: list[str] = field(default_factory=list)


def merge(store: Store, keep: str, drop: Sequence[str], *, clock: Callable[[], dt.datetime] = _now
          ) -> Merged:  # fmt: skip
    """Fold ``drop`` into ``keep`` in one all-or-nothing write, keeping every tie; a
    source loaded again lands on ``keep``."""
    if keep in drop:
        raise BadRequest("an organization cannot be merged into itself")
    return apply_review(store, [(keep, d) for d in drop], (), clock=clock)


def apply_review(
    store: Store,
    accepted: Iterable[tuple[str, str]],
    rejected: Iterable[tuple[str, str]],
    *,
    clock: Callable[[], dt.datetime] = _now,
) -> Merged:
    """Merge every accepted pair ``(keep, drop)`` and remember every rejected pair, in one
    transaction (nothing is written if one pair cannot be merged)."""
    groups = merge_groups(accepted)
    refused = list(rejected)
    done: dict[str, object] = {}

    def plan(reader: LedgerReader) -> Change:
        ids = sorted({org_id for keep, drops in groups for org_id in (keep, *drops)})
        state = State(
            organizations=stored_organizations(reader.organizations(ids)),
            ties=stored_ties(reader.ties_of(ids)),
            sources={s.name: s for s in reader.sources()},
            meta=reader.meta(),
        )
        try:
            merged = plan_merge(groups, state, keys_to=reader.keys_to(ids), now=clock())
        except LedgerError as error:
            raise BadRequest(str(error)) from None
        merged.change.decisions += plan_reject(refused, state, now=clock()).change.decisions
        done["plan"] = merged
        return merged.change

    meta = store.write(plan)
    merged = done["plan"]
    return Merged(
        kept=[keep for keep, _ in groups],
        removed=[d for _, drops in groups for d in drops],
        rejected=len(refused),
        ties_moved=merged.ties_created + merged.ties_updated,  # type: ignore[attr-defined]
        data_version=meta.data_version,
        notices=list(merged.notices),  # type: ignore[attr-defined]
    )


def apply_review_file(path: Path, store: Store) -> Merged:
    """Apply a review file (``maillage merge --from``): every accepted pair merged and every
    rejected pair remembered, in one transaction."""
    try:
        review = read_review(path)
    except ReviewError as error:
        raise BadRequest(str(error)) from None
    return apply_review(store, review.accepted, review.rejected)


__all__ = ["REVIEW_COLUMNS", "Merged", "apply_review", "apply_review_file", "duplicates", "merge"]
