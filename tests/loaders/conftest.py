"""Fixtures shared by the loader tests: hand-made fixture files (real data: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The hand-made fixture files of the loader tests."""
    return FIXTURES
