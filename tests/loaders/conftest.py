"""Fixtures shared by the loader tests: the real data files beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/data/real`` beside the repository (CI mounts a read-only copy there), or
    the ``real`` folder of ``MAILLAGE_SHARED_DATA`` (a worktree elsewhere)."""
    shared = os.environ.get("MAILLAGE_SHARED_DATA") or str(REPO / ".." / "shared" / "data")
    folder = (Path(shared) / "real").resolve()
    if not (folder / "susy_initiatives.csv").is_file():
        pytest.fail(
            f"real data files not found in {folder}: the tests need ../shared/data/real "
            "beside the repository (susy_initiatives.csv, uk_worker_coops_2023-06-23.csv)"
        )
    return folder


@pytest.fixture
def fixtures() -> Path:
    """The hand-made fixture files of the loader tests."""
    return FIXTURES
