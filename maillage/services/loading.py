"""Load what the loaders read and validated into a store, all or nothing, for both shells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from maillage.ground.tables import Progress
from maillage.loaders.mapping import Mapping, check_mapped
from maillage.loaders.problems import InvalidInput, Problem
from maillage.loaders.register import RegisterFilter, check_register
from maillage.loaders.validate import Validated
from maillage.loaders.workbook import check_frames, check_workbook
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
    orgs, ties = _frame(checked.organizations), _frame(checked.ties)
    skipped = checked.problems
    del checked  # the frames hold the same rows: with no other holder, the dicts go now
    return LoadOutcome(store.load(orgs, ties, progress=progress), skipped)


def load_workbook(
    paths: Sequence[Path],
    store: Store,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Validate every row of workbooks, files or folders, then load in one write.

    Raises :class:`InvalidInput` listing every problem (and writes nothing) unless
    ``skip_invalid``, which loads the valid rows and returns the problems of the others.
    """
    checked = check_workbook(paths, known_ids=store.existing_ids)
    return commit(checked, store, skip_invalid=skip_invalid, progress=progress)


def load_mapped(
    paths: Path | Sequence[Path],
    mapping: Mapping,
    store: Store,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Map, validate and load foreign files in one all-or-nothing write."""
    checked = check_mapped(paths, mapping, known_ids=store.existing_ids)
    return commit(checked, store, skip_invalid=skip_invalid, progress=progress)


def load_tables(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    store: Store,
    *,
    label: str = "table",
    progress: Progress | None = None,
) -> LoadResult:
    """Validate and load in-memory workbook tables (workbook headers), all or nothing."""
    checked = check_frames(orgs, ties, label=label, known_ids=store.existing_ids)
    return commit(checked, store, progress=progress).result


def load_register(
    folder: Path,
    store: Store,
    register_filter: RegisterFilter | None = None,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Import an extract of Québec's enterprise register, all or nothing."""
    checked = check_register(folder, register_filter, known_ids=store.existing_ids)[0]
    return commit(checked, store, skip_invalid=skip_invalid, progress=progress).result


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
