"""Write validated rows to a store in one all-or-nothing load, or refuse with every problem."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from maillage.ground.tables import Progress
from maillage.loaders.problems import InvalidInput, Problem
from maillage.loaders.validate import Validated
from maillage.queries.collector import collector_paused
from maillage.queries.store import LoadResult, Store


@dataclass(frozen=True)
class LoadOutcome:
    """What a load wrote, and the problems of the rows it skipped (with ``skip_invalid``)."""

    result: LoadResult
    skipped: list[Problem]


def commit(
    checked: Validated,
    store: Store,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Load the valid rows of ``checked`` in one write.

    Raises :class:`InvalidInput` listing every problem (and writes nothing) unless
    ``skip_invalid`` and every file was usable: then the valid rows are loaded and the
    problems of the others are returned.
    """
    if checked.problems and not (skip_invalid and checked.usable):
        raise InvalidInput(checked.problems)
    # The store puts the frames in canonical shape (organizations_frame, ties_frame).
    with collector_paused():  # the rows stay alive until the store has written them
        result = store.load(_frame(checked.organizations), _frame(checked.ties), progress=progress)
    return LoadOutcome(result=result, skipped=checked.problems)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
