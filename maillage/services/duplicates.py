"""Duplicate review for data stewards: suggested pairs, and merges that keep every tie."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from maillage.loaders.duplicates import merge_plan, suggest_duplicates
from maillage.queries.store import GraphQuery, Store
from maillage.services.views import BadRequest


def duplicates(store: Store, *, threshold: float = 0.85) -> pd.DataFrame:
    """Likely duplicate pairs over every visibility (stewards review the whole store)."""
    if not 0 <= threshold <= 1:
        raise BadRequest("--threshold is a score between 0 and 1")
    orgs, _ = store.read_graph(GraphQuery(audience="private"))
    return suggest_duplicates(orgs, threshold=threshold)


@dataclass(frozen=True)
class Merged:
    """What a merge did."""

    kept: str
    removed: list[str]
    ties_moved: int
    data_version: str


def merge(store: Store, keep: str, drop: Sequence[str]) -> Merged:
    """Fold ``drop`` into ``keep`` in one all-or-nothing write, keeping every tie."""
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    known = set(orgs["id"])
    missing = [org_id for org_id in (keep, *drop) if org_id not in known]
    if missing:
        raise BadRequest(f"unknown organization(s): {', '.join(missing)}")
    if keep in drop:
        raise BadRequest("an organization cannot be merged into itself")
    upsert_orgs, upsert_ties, removed = merge_plan(orgs, ties, keep, list(drop))
    result = store.load(upsert_orgs, upsert_ties, remove_ids=removed)
    return Merged(keep, list(removed), len(upsert_ties), result.data_version)
