"""Both catalogues say everything, with the same placeholders; numbers and dates by locale."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from maillage.ground.i18n import (
    LANGUAGES,
    country_name,
    format_date,
    format_number,
    translate,
    translate_plural,
)
from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "maillage" / "ground" / "locale"


def messages(language: str) -> dict[str, tuple[str, ...]]:
    """Every message of a language's catalogue files: its texts (one, or one per plural
    form); a key in two files fails."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            assert key not in found, f"{path.name}: {key} is in two catalogue files"
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            found[key] = tuple(texts)
    return found


CATALOGUES = {language: messages(language) for language in LANGUAGES}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    assert set(CATALOGUES["fr"]) == set(CATALOGUES["en"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    empty = [key for key, texts in CATALOGUES[language].items() if not all(texts)]
    assert not empty


@pytest.mark.parametrize("key", sorted(CATALOGUES["en"]))
def test_placeholders_match_between_languages(key):
    english = set().union(*(fields(t) for t in CATALOGUES["en"][key]))
    french = set().union(*(fields(t) for t in CATALOGUES["fr"][key]))
    assert english == french


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_type_word_is_translated(language):
    keys = [f"type.{k}" for k in ORGANIZATION_TYPES] + [f"tie.{k}" for k in TIE_TYPES]
    assert all(key in CATALOGUES[language] for key in keys)


def test_every_key_used_in_the_shells_exists():
    sources = sorted((ROOT / "maillage").rglob("*.py"))
    used = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt[n]?\(\s*["']([a-z_]+\.[a-z_.]+)["']""", text))
        used |= set(
            re.findall(r"""\btranslate(?:_plural)?\([^,]+,\s*["']([a-z_]+\.[a-z_.]+)["']""", text)
        )
    used.discard("no.such.key")  # the catalogue's own example of a missing key
    assert used, "the pattern found no key at all"
    assert used <= set(CATALOGUES["fr"]), sorted(used - set(CATALOGUES["fr"]))


def test_french_numbers_follow_fr_ca():
    assert format_number(11200, "fr") == "11\xa0200"
    assert format_number(1234567.891, "fr", digits=2) == "1\xa0234\xa0567,89"
    assert format_number(0.0503, "fr", digits=2) == "0,05"
    assert format_number(11200, "en") == "11,200"
    assert format_number(0.5, "en", digits=1) == "0.5"


def test_dates_are_written_the_local_way():
    day = dt.date(2026, 11, 27)
    assert format_date(day, "fr") == "27 novembre 2026"
    assert format_date(day, "en") == "November 27, 2026"
    assert format_date(dt.date(2026, 3, 1), "fr") == "1er mars 2026"


def test_missing_values_and_keys():
    assert format_number(float("nan"), "fr") == "—"
    assert translate("en", "no.such.key") == "no.such.key"


def test_plurals_follow_each_language():
    assert translate_plural("fr", "explore.results", 1) == "1 résultat"
    assert translate_plural("fr", "explore.results", 2) == "2 résultats"
    assert translate_plural("en", "explore.results", 1) == "1 result"
    assert translate_plural("en", "explore.results", 0) == "0 results"


def test_country_names_are_translated():
    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("DE", "en") == "Germany"
