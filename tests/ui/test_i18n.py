"""Both languages say everything, with the same placeholders, numbers written the local way."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES
from maillage.ui.i18n import LANGUAGES, MESSAGES, NARROW_NBSP, format_date, format_number, translate


def test_every_key_exists_in_both_languages():
    assert set(MESSAGES["fr"]) == set(MESSAGES["en"])


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_placeholders_match_between_languages(key):
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert fields(MESSAGES["fr"][key]) == fields(MESSAGES["en"][key])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_type_word_is_translated(language):
    keys = [f"type.{k}" for k in ORGANIZATION_TYPES] + [f"tie.{k}" for k in TIE_TYPES]
    assert all(MESSAGES[language].get(k) for k in keys)


def test_every_key_used_in_the_ui_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = sorted((root / "maillage" / "ui").rglob("*.py"))
    used = set()
    for source in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", source.read_text()))
    assert used, "the pattern found no key at all"
    assert used <= set(MESSAGES["fr"]), sorted(used - set(MESSAGES["fr"]))


def test_french_numbers_use_a_narrow_no_break_space_and_a_decimal_comma():
    assert format_number(11200, "fr") == f"11{NARROW_NBSP}200"
    assert format_number(1234567.891, "fr", digits=2) == f"1{NARROW_NBSP}234{NARROW_NBSP}567,89"
    assert format_number(11200, "en") == "11,200"
    assert format_number(0.5, "en", digits=1) == "0.5"


def test_dates_are_written_per_language():
    day = dt.date(2026, 11, 27)
    assert format_date(day, "fr") == "27 novembre 2026"
    assert format_date(day, "en") == "November 27, 2026"


def test_missing_values_read_as_a_dash():
    assert format_number(float("nan"), "fr") == "—"


def test_translate_fills_values_and_falls_back_to_the_key():
    assert translate("fr", "explore.results", count=2) == "2 résultats"
    assert translate("en", "no.such.key") == "no.such.key"
