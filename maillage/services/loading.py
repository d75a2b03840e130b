"""Load what the loaders read and validated into a store through the ledger, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from maillage.ground.ledger import EMPTY_VERSION, Change, Meta
from maillage.ground.tables import Progress
from maillage.loaders import ledger
from maillage.loaders.ledger import Batch, Plan, State, stored_organizations, stored_ties
from maillage.loaders.mapping import Mapping, check_mapped
from maillage.loaders.problems import InvalidInput, Problem
from maillage.loaders.register import RegisterFilter, check_register
from maillage.loaders.validate import Validated
from maillage.loaders.workbook import check_frames, check_workbook
from maillage.queries.store import LedgerReader, LoadResult, Store

#: The clock of loads (a test may set its own).
Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class LoadOutcome:
    """What a load wrote, the problems of the rows it skipped (with ``skip_invalid``),
    and what the steward should know (rows collapsed, identifiers already taken)."""

    result: LoadResult
    skipped: list[Problem]
    source: str = ""
    created: int = 0
    updated: int = 0
    ties_created: int = 0
    ties_updated: int = 0
    #: Whether the data version changed (an unchanged file keeps it).
    changed: bool = True
    notices: list[str] = field(default_factory=list)


def source_name(paths: Path | Sequence[Path], given: str | None = None) -> str:
    """The source a load records: the name the steward gave, else the file or folder name
    (several paths: their names joined with ``+``).

    >>> source_name([Path("data/membres.csv")]), source_name(Path("x.csv"), "Pôle")
    ('membres.csv', 'Pôle')
    >>> source_name([Path("a/organizations.csv"), Path("a/ties.csv")])
    'organizations.csv+ties.csv'
    """
    if given and given.strip():
        return given.strip()
    files = [paths] if isinstance(paths, Path) else list(paths)
    return "+".join(p.name or str(p) for p in files) or "table"


def commit(
    checked: Validated,
    store: Store,
    *,
    source: str,
    replace: bool = False,
    priority: int | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    clock: Clock = _now,
) -> LoadOutcome:
    """Load the valid rows of ``checked`` as ``source``, in one write through the ledger.

    Raises :class:`InvalidInput` listing every problem (and writes nothing) unless
    ``skip_invalid`` and every file was usable: then the valid rows are loaded and the
    problems of the others are returned. ``replace``: empty cells clear their field.
    """
    if checked.problems and not (skip_invalid and checked.usable):
        raise InvalidInput(checked.problems)
    batch = ledger.batch_from_rows(
        checked.organizations,
        checked.ties,
        source=source,
        replace_empty=replace,
        priority=priority,
    )
    skipped = list(checked.problems)
    notices = list(checked.notices)
    del checked  # the batch holds the same values: with no other holder, the dicts go now
    plan, before, after = apply_batch(
        store, batch, skip_invalid=skip_invalid, progress=progress, clock=clock
    )
    version = after.data_version
    return LoadOutcome(
        LoadResult(len(batch.organizations), len(batch.ties), version),
        sorted(skipped + plan.problems, key=lambda p: (p.file, p.line)),
        source,
        plan.created,
        plan.updated,
        plan.ties_created,
        plan.ties_updated,
        changed=before.data_version != version,
        notices=notices + plan.notices,
    )


def apply_batch(
    store: Store,
    batch: Batch,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    clock: Clock = _now,
) -> tuple[Plan, Meta, Meta]:
    """Plan ``batch`` against what the store holds and write it, in one transaction.

    Returns the plan and the store's totals before and after.
    """
    done: dict[str, object] = {}

    def plan(reader: LedgerReader) -> Change:
        state = _state_for(reader, batch)
        found = ledger.plan_load(batch, state, now=clock())
        done["plan"], done["before"] = found, state.meta
        if found.problems and not skip_invalid:
            raise InvalidInput(found.problems)
        return found.change

    after = store.write(plan, progress=progress)
    return done["plan"], done["before"], after  # type: ignore[return-value]


def _state_for(reader: LedgerReader, batch: Batch) -> State:
    """What the rules need to plan ``batch``, read inside the write's transaction."""
    keys = reader.keys(ledger.keys_wanted(batch))
    sources = {s.name: s for s in reader.sources()}
    wanted = ledger.organizations_wanted(batch, keys)
    reranked = batch.priority is not None and batch.priority != (
        sources[batch.source].priority if batch.source in sources else 0
    )
    held_ties: list[tuple[str, str, str, str]] = []
    if reranked:
        held_orgs, held_ties = reader.holding(batch.source)
        wanted |= set(held_orgs)
    orgs = stored_organizations(reader.organizations(wanted))
    ends = ledger.ends_wanted(batch, keys) - set(orgs)
    existing = set(orgs) | (reader.existing(ends) if ends else set())
    state = State(keys, existing, orgs, {}, sources, reader.meta())
    homes = ledger.row_homes(batch, state)
    identities = ledger.tie_identities(batch, ledger.end_homes(batch, state, homes))
    state.ties = stored_ties(reader.ties(identities | set(held_ties)))
    return state


def load_frames(
    store: Store,
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    source: str = "tables",
    file: str = "",
    priority: int | None = None,
    progress: Progress | None = None,
    clock: Clock = _now,
) -> LoadOutcome:
    """Load tables already in canonical shape (``organizations_frame``, ``ties_frame``;
    valid) as one source, through the ledger like any load. Row ``i`` is line ``i + 2``
    of ``file``, as if the tables were written to CSV."""
    checked = Validated(organizations=_provenanced(orgs, file), ties=_provenanced(ties, file))
    return commit(checked, store, source=source, priority=priority, progress=progress, clock=clock)


def _provenanced(frame: pd.DataFrame, file: str) -> list[dict[str, object]]:
    rows = [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
    given = tuple(frame.columns)
    for line, row in enumerate(rows, start=2):
        row.update(_file=file, _line=line, _given=given, _cleared=())
    return rows


def load_workbook(
    paths: Sequence[Path],
    store: Store,
    *,
    source: str | None = None,
    replace: bool = False,
    priority: int | None = None,
    missing: Iterable[str] | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Validate every row of workbooks, files or folders, then load them in one write.

    Raises :class:`InvalidInput` listing every problem (and writes nothing) unless
    ``skip_invalid``, which loads the valid rows and returns the problems of the others.
    """
    name = source_name(paths, source)
    checked = check_workbook(paths, known_ids=_known(store, name), missing=missing)
    return commit(
        checked, store, source=name, replace=replace, priority=priority,
        skip_invalid=skip_invalid, progress=progress,
    )  # fmt: skip


def load_mapped(
    paths: Path | Sequence[Path],
    mapping: Mapping,
    store: Store,
    *,
    source: str | None = None,
    replace: bool = False,
    priority: int | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Map, validate and load foreign files in one all-or-nothing write."""
    name = source_name(paths, source)
    checked = check_mapped(paths, mapping, known_ids=_known(store, name))
    return commit(
        checked, store, source=name, replace=replace, priority=priority,
        skip_invalid=skip_invalid, progress=progress,
    )  # fmt: skip


def load_tables(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    store: Store,
    *,
    label: str = "table",
    source: str | None = None,
    progress: Progress | None = None,
    clock: Clock = _now,
) -> LoadResult:
    """Validate and load in-memory workbook tables (workbook headers), all or nothing."""
    name = source or label
    checked = check_frames(orgs, ties, label=label, known_ids=_known(store, name))
    return commit(checked, store, source=name, progress=progress, clock=clock).result


def load_register(
    path: Path,
    store: Store,
    register_filter: RegisterFilter | None = None,
    *,
    source: str | None = None,
    priority: int | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> LoadOutcome:
    """Import an extract of Québec's enterprise register (its open-data folder, or one CSV
    table through the register preset), all or nothing."""
    name = source_name(path, source)
    checked = check_register(path, register_filter, known_ids=_known(store, name))[0]
    return commit(
        checked, store, source=name, priority=priority, skip_invalid=skip_invalid,
        progress=progress,
    )  # fmt: skip


def _known(store: Store, source: str) -> Callable[[Iterable[str]], set[str]]:
    """Which ids a file may name beside its own rows (tie ends, rows that update): the
    store's organizations, ids merged into one, the source's crosswalk. The rules check
    every one again inside the write."""
    return lambda ids: store.known_ids(ids, source=source)


def is_empty(version: str) -> bool:
    """Whether a data version is the one of an empty store."""
    return version == EMPTY_VERSION
