"""The examples in the UI helpers' docstrings run (ui/ is outside pytest's doctest paths)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["ui.i18n", "ui.network_map", "ui.layout", "ui.geo", "ui.show"])
def test_docstring_examples_run(module):
    failed, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failed == 0
