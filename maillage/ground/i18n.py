"""The one catalogue of messages (gettext, read with Babel); numbers, dates, countries by locale."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import math
from functools import cache
from importlib.resources import files
from typing import Final

from babel import Locale
from babel.dates import format_date as babel_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"
#: The locale of each language: Québec French and Canadian English.
LOCALES: Final = {"fr": "fr_CA", "en": "en_CA"}
#: Shown for a missing number or date.
MISSING: Final = "—"


def language_of(text: str | None) -> str:
    """The supported language ``text`` names (``fr``, ``fr_CA``, ``English``...), else the default.

    >>> language_of("en_CA"), language_of("FR"), language_of(None), language_of("de")
    ('en', 'fr', 'fr', 'fr')
    """
    wanted = (text or "").strip().lower()[:2]
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> gettext.GNUTranslations:
    """The messages of ``language``, compiled once from its ``.po`` files.

    One catalogue kept in one file per topic (``maillage.po``, ``opportunities.po``...):
    the files are read in name order and a key may appear in only one of them.
    """
    folder = files(__package__).joinpath("locale", language, "LC_MESSAGES")
    merged: Catalog | None = None
    for source in sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=str):
        with source.open("rb") as handle:
            part = read_po(handle, locale=language, domain="maillage")
        if merged is None:
            merged = part
            continue
        for message in part:
            if message.id and message.id in merged:
                raise ValueError(f"{source.name}: {message.id!r} is already in the catalogue")
            if message.id:
                merged[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, merged if merged is not None else Catalog(locale=language))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def has_message(language: str, key: str) -> bool:
    """Whether the catalogue of ``language`` holds ``key``."""
    messages = catalogue(language)._catalog  # type: ignore[attr-defined]
    return key in messages or (key, 0) in messages


def translate(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language``, with ``values`` filled in (English, then the key
    itself, when the language lacks it; a test keeps both catalogues complete).

    >>> translate("fr", "type.network"), translate("en", "type.network")
    ('réseau', 'network')
    >>> translate("en", "no.such.key")
    'no.such.key'
    """
    language = language_of(language)
    for chosen in (language, "en"):
        if has_message(chosen, key):
            text = catalogue(chosen).gettext(key)
            return text.format(**values) if values else text
    return key


def translate_plural(language: str, key: str, count: int, **values: object) -> str:
    """The message ``key`` in the plural form ``count`` calls for, ``{count}`` written the
    local way.

    >>> translate_plural("fr", "explore.results", 1), translate_plural("fr", "explore.results", 0)
    ('1 résultat', '0 résultat')
    >>> translate_plural("en", "explore.results", 1219)
    '1,219 results'
    """
    language = language_of(language)
    chosen = language if has_message(language, key) else "en"
    text = catalogue(chosen).ngettext(key, key, count)
    return text.format(count=format_number(count, language), **values)


def format_number(value: float | int | None, language: str, *, digits: int = 0) -> str:
    """A number written the local way (CLDR, by Babel): ``11 200`` and ``0,25`` in French.

    >>> format_number(11200, "fr") == "11\\xa0200", format_number(0.2534, "fr", digits=2)
    (True, '0,25')
    >>> format_number(11200, "en"), format_number(None, "en")
    ('11,200', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALES[language_of(language)])


def format_date(day: dt.date | None, language: str) -> str:
    """A date written the local way (Québec writes the first of a month ``1er``).

    >>> format_date(dt.date(2026, 3, 1), "fr"), format_date(dt.date(2026, 3, 1), "en")
    ('1er mars 2026', 'March 1, 2026')
    """
    if day is None:
        return MISSING
    language = language_of(language)
    text = babel_date(day, format="long", locale=LOCALES[language])
    if language == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def country_name(code: str | None, language: str) -> str:
    """A country's name in ``language`` from its ISO 3166-1 alpha-2 code (the code itself
    when unknown).

    >>> country_name("DE", "fr"), country_name("BO", "en"), country_name("XX", "fr")
    ('Allemagne', 'Bolivia', 'XX')
    """
    if not code:
        return MISSING
    territories = Locale.parse(LOCALES[language_of(language)]).territories
    return str(territories.get(code.upper(), code))
