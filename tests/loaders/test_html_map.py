"""The map page is standalone and offline, and data never runs as HTML in it."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from maillage.loaders.html_map import INERT_URLS, graph_html
from maillage.ui.show import TYPE_COLOURS

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def G() -> nx.Graph:
    G = nx.Graph()
    G.add_node("a", name=HOSTILE, type="enterprise", region="06")
    G.add_node("b", name="Réseau </script><script>alert(3)</script>", type="network")
    G.add_node("c", name="Fonds & Cie", type="funder")
    G.add_edges_from([("a", "b"), ("b", "c")], types=("member_of",))
    return G


@pytest.fixture
def page(G) -> str:
    return graph_html(
        G,
        positions={"a": (0, 0), "b": (100, 0), "c": (200, 50)},
        colours=TYPE_COLOURS,
        legend={"enterprise": "entreprise <b>", "network": "réseau", "funder": "financeur"},
        size={"a": 1.0, "b": 3.0, "c": 0.0},
        tooltips={"a": HOSTILE + "\nentreprise"},
        focus="a",
        path=["a", "b", "c"],
    )


def test_page_fetches_nothing_from_any_host(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//""", page, re.I)
    assert not re.search(r"""@import""", page)
    urls = set(re.findall(r"https?://[^\s\"'`<>)]+", page))
    assert urls <= set(INERT_URLS), sorted(urls - set(INERT_URLS))


def test_page_inlines_vis_network(page):
    assert "vis-network" in page and "new vis.Network(" in page
    assert "<script src" not in page and "<link" not in page


def test_names_never_become_markup(page):
    assert HOSTILE not in page
    assert "<img" not in page
    assert "</script><script>alert(3)" not in page
    assert page.count("</script>") == 2  # the library and ours: data closed none
    assert "entreprise &lt;b&gt;" in page  # legend labels are escaped


def test_tooltips_are_set_as_text_not_html(page):
    assert "textContent = value" in page
    assert "innerHTML" not in page.split("<script>")[-1]


def test_positions_are_fixed_and_physics_is_off(page):
    assert '"physics": {"enabled": false}' in page
    assert '"x": 100.0' in page and '"y": 50.0' in page


def test_path_and_focus_are_highlighted(page):
    assert page.count('"width": 4') == 2  # a-b and b-c
    assert '"borderWidth": 4' in page


def test_legend_lists_only_types_present(G):
    page = graph_html(
        G.subgraph(["a"]),
        positions={"a": (0, 0)},
        colours=TYPE_COLOURS,
        legend={"enterprise": "entreprise", "network": "réseau"},
    )
    assert "entreprise" in page and "réseau</li>" not in page
