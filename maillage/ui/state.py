"""The view (language, filters, focus) kept in the session and mirrored in the URL query string.

Pages bind their widgets to view entries with :func:`widget_key` (after :func:`enter`);
after the widgets ran, :func:`publish` writes the non-default entries to
``st.query_params`` so that a copied URL restores the same view in a new session. The
page itself is the URL path (``/map``, ...), which ``st.navigation`` keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import streamlit as st

from maillage.ground.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate, translate_plural

_VIEW: Final = "_maillage_view"
_PAGE: Final = "_maillage_page"

#: Every view entry, its default, and whether it holds several values.
DEFAULTS: Final[dict[str, str | tuple[str, ...]]] = {
    "lang": DEFAULT_LANGUAGE,
    "as_of": "",
    "types": (),
    "regions": (),
    "sectors": (),
    "ties": (),
    "metric": "degree",
    "focus": "",
    "hops": "1",
    "target": "",
    "q": "",
    "q2": "",
    "qfor": "",
    "pair": "",
    "qmember": "",
    "member": "",
    "more": "",
    "for": "",
    "top": "20",
}


def _from_url() -> dict[str, str | tuple[str, ...]]:
    view: dict[str, str | tuple[str, ...]] = {}
    for name, default in DEFAULTS.items():
        if name not in st.query_params:
            continue
        if isinstance(default, tuple):
            values = [v for item in st.query_params.get_all(name) for v in item.split("~")]
            view[name] = tuple(v for v in values if v)
        else:
            view[name] = st.query_params.get(name, default)
    if view.get("lang") not in LANGUAGES:
        view.pop("lang", None)
    return view


def enter(page: str) -> None:
    """Name the page about to run: its widgets get keys of their own (``view.PAGE.NAME``).

    Two pages binding the same entry (the metric on Overview and on the map) must not share
    a widget key: Streamlit would keep the old widget's state for the new one and reset it.
    """
    st.session_state[_PAGE] = page


def _key(name: str) -> str:
    return f"view.{st.session_state.get(_PAGE, 'app')}.{name}"


def view() -> dict[str, str | tuple[str, ...]]:
    """This session's view, read from the URL the first time."""
    if _VIEW not in st.session_state:
        st.session_state[_VIEW] = {**DEFAULTS, **_from_url()}
    current: dict[str, str | tuple[str, ...]] = st.session_state[_VIEW]
    return current


def get(name: str) -> str:
    """A single-valued view entry."""
    value = view().get(name, DEFAULTS[name])
    return value if isinstance(value, str) else ""


def get_many(name: str) -> tuple[str, ...]:
    """A several-valued view entry."""
    value = view().get(name, DEFAULTS[name])
    return tuple(value) if not isinstance(value, str) else ((value,) if value else ())


def put(name: str, value: str | Sequence[str]) -> None:
    """Change a view entry (and the widget bound to it on its next run)."""
    stored: str | tuple[str, ...] = value if isinstance(value, str) else tuple(value)
    view()[name] = stored
    st.session_state.pop(_key(name), None)


def widget_key(name: str, allowed: Sequence[str] | None = None) -> str:
    """The session key of the widget bound to view entry ``name``, primed from the view.

    ``allowed`` drops values the widget cannot show (an org id from an old URL, ...).
    """
    key = _key(name)
    if key not in st.session_state:
        value = view().get(name, DEFAULTS[name])
        if allowed is not None:
            if isinstance(value, tuple):
                value = tuple(v for v in value if v in allowed)
            elif value not in allowed:
                value = DEFAULTS[name] if DEFAULTS[name] in allowed else next(iter(allowed), "")
        st.session_state[key] = list(value) if isinstance(value, tuple) else value
    return key


def flag_key(name: str) -> str:
    """The session key of a checkbox bound to view entry ``name`` ("1" when ticked)."""
    key = _key(name)
    if key not in st.session_state:
        st.session_state[key] = bool(get(name))
    return key


def keep(name: str) -> None:
    """Copy the widget bound to ``name`` back into the view (call after the widget)."""
    key = _key(name)
    if key in st.session_state:
        value = st.session_state[key]
        if isinstance(value, bool):
            view()[name] = "1" if value else ""
        elif isinstance(value, list | tuple):
            view()[name] = tuple(str(v) for v in value)
        elif value is None:
            view()[name] = DEFAULTS[name]
        else:
            view()[name] = str(value)


def publish() -> None:
    """Write the non-default view entries to the URL query string."""
    wanted: dict[str, str | list[str]] = {}
    for name, value in view().items():
        if value == DEFAULTS.get(name) or value in ("", ()):
            continue
        wanted[name] = "~".join(value) if isinstance(value, tuple) else value
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def language() -> str:
    """The language in force."""
    lang = get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The message ``key`` in the language in force."""
    return translate(language(), key, **values)


def tn(key: str, count: int, **values: object) -> str:
    """The message ``key`` in the plural form ``count`` calls for, in the language in force."""
    return translate_plural(language(), key, count, **values)
