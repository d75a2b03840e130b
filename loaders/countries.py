"""Country values from files turned into ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a code or an English country name, or None.

    >>> country_code("ca"), country_code("FRA"), country_code("Belgium")
    ('CA', 'FR', 'BE')
    >>> country_code("Narnia") is None
    True
    """
    text = text.strip()
    if not text:
        return None
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(country.alpha_2)
