"""Duplicate review on the Data page: the pairs side by side, merge / distinct / later."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.services import duplicates as stewardship
from maillage.ui import data
from maillage.ui.state import t

_CHOICES = ("later", "accept", "reject")


@st.cache_data(show_spinner=False, max_entries=2)
def _pairs(version: str) -> pd.DataFrame:
    """The review table of the store at ``version`` (every visibility: stewards only)."""
    del version  # the cache key: a new version is a new review
    with data.store_in_use() as opened:
        return stewardship.duplicates(opened)


def decisions(
    pairs: pd.DataFrame, edited: pd.DataFrame, labels: dict[str, str], *, right: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The pairs to merge ``(keep, drop)`` and to refuse, from the edited review (its
    ``decision`` and ``keep`` columns hold the words shown: ``labels``, ``right``).

    >>> pairs = pd.DataFrame({"left": ["a", "c"], "right": ["b", "d"]})
    >>> edited = pd.DataFrame({"decision": ["Merge", "Distinct"], "keep": ["B", "A"]})
    >>> decisions(pairs, edited, {"accept": "Merge", "reject": "Distinct"}, right="B")
    ([('b', 'a')], [('c', 'd')])
    """
    accepted, rejected = [], []
    rows = zip(pairs["left"], pairs["right"], edited["decision"], edited["keep"], strict=True)
    for left, right_id, decision, keep in rows:
        if decision == labels["accept"]:
            accepted.append((right_id, left) if keep == right else (left, right_id))
        elif decision == labels["reject"]:
            rejected.append((left, right_id))
    return accepted, rejected


def _named(names: pd.Series, ids: pd.Series) -> list[str]:
    return [f"{name} ({org_id})" for name, org_id in zip(names, ids, strict=True)]


def render_review(version: str, audience: str) -> None:
    """The same review as ``maillage duplicates`` then ``merge --from``, in one form."""
    st.header(t("review.title"))
    if audience != "private":
        st.info(t("data.locked"))
        return
    pairs = _pairs(version)
    if pairs.empty:
        st.caption(t("review.none"))
        return
    st.caption(t("review.help"))
    labels = {choice: t(f"review.{choice}") for choice in _CHOICES}
    table = pd.DataFrame(
        {
            "decision": [labels["later"]] * len(pairs),
            "keep": [t("review.left")] * len(pairs),
            "score": pairs["score"],
            "left": _named(pairs["left_name"], pairs["left"]),
            "right": _named(pairs["right_name"], pairs["right"]),
            "left_city": pairs["left_city"], "right_city": pairs["right_city"],
            "left_neq": pairs["left_neq"], "right_neq": pairs["right_neq"],
            "left_sources": pairs["left_sources"], "right_sources": pairs["right_sources"],
            "evidence": pairs["evidence"],
        }
    )  # fmt: skip
    column = st.column_config
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=[c for c in table.columns if c not in ("decision", "keep")],
        column_config={
            "decision": column.SelectboxColumn(t("review.decision"), options=list(labels.values())),
            "keep": column.SelectboxColumn(
                t("review.keep"), options=[t("review.left"), t("review.right")]
            ),
            "left": t("review.left"),
            "right": t("review.right"),
            "left_city": t("review.city"),
            "right_city": t("review.city"),
            "left_neq": t("review.neq"),
            "right_neq": t("review.neq"),
            "left_sources": t("review.sources"),
            "right_sources": t("review.sources"),
            "evidence": t("data.dup_evidence"),
            "score": t("common.score"),
        },
        key=f"review.{version}",
    )
    if not st.button(t("review.apply"), key="review.apply"):
        return
    accepted, rejected = [], []
    for row, decision, keep in zip(
        pairs.itertuples(), edited["decision"], edited["keep"], strict=True
    ):
        kept, other = (row.left, row.right) if keep == t("review.left") else (row.right, row.left)
        if decision == labels["accept"]:
            accepted.append((kept, other))
        elif decision == labels["reject"]:
            rejected.append((row.left, row.right))
    if not accepted and not rejected:
        st.info(t("review.nothing"))
        return
    with data.store_in_use() as opened:
        done = stewardship.apply_review(opened, accepted, rejected)
    st.success(
        t("review.applied", merged=len(done.removed), rejected=done.rejected,
          version=done.data_version[:8])
    )  # fmt: skip
