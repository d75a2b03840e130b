"""The demo ecosystem loaded into an embedded store, as ``maillage demo`` and ``make demo`` do."""

from __future__ import annotations

from maillage.demo.synthetic import generate
from maillage.ground.tables import Progress
from maillage.queries.store import LoadResult, Store
from maillage.services.loading import load_tables


def load_demo(
    store: Store, *, seed: int = 2026, scale: float = 1.0, progress: Progress | None = None
) -> LoadResult:
    """Generate the demo workbook (real umbrellas plus a seeded synthetic Québec at
    ``scale``) and load it, all or nothing."""
    orgs, ties = generate(seed=seed, scale=scale)
    return load_tables(orgs, ties, store, progress=progress, label="demo")
