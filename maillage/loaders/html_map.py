"""The alliance map as one standalone offline HTML page; pyvis lives behind graph_html only.

pyvis's Node and Edge build the vis-network records (its ``Network`` class is not used: it
scans every edge on each ``add_edge``, quadratic on a big map); the page around them is ours,
because pyvis's templates link Bootstrap and vis-network from CDNs even with
``cdn_resources="in_line"``.
The vis-network script and style sheet pyvis ships are inlined, so the page fetches nothing.

Organization names come from user files, so nothing from the data is ever parsed as HTML:
records are JSON inside the script with ``<``, ``>`` and ``&`` escaped, labels are drawn
on the canvas, and tooltips are built as DOM text nodes (``textContent``).
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections.abc import Hashable, Mapping, Sequence
from functools import cache
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.node import Node

#: One colour per organization type (colour-blind-safe Okabe–Ito palette), map and charts alike.
TYPE_COLOURS = {
    "enterprise": "#0072B2",
    "network": "#D55E00",
    "community_group": "#009E73",
    "international_partner": "#CC79A7",
    "funder": "#E69F00",
    "public_body": "#56B4E9",
    "research": "#7F6A00",
}

VIS_LIB = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

#: Text inside the inlined library that looks like a URL but is never fetched: license
#: headers, the SVG XML namespace and an error message. Tests allow exactly these.
INERT_URLS = (
    "http://almende.com",
    "http://opensource.org/licenses/MIT",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/visjs",
    "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "https://visjs.github.io/vis-network/",
)

DEFAULT_COLOUR = "#999999"
PATH_COLOUR = "#C00000"
MIN_SIZE, MAX_SIZE = 6.0, 40.0


@cache
def _library() -> tuple[str, str]:
    script = (VIS_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    style = (VIS_LIB / "vis-network.css").read_text(encoding="utf-8")
    return script, style


def _script_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sizes(G: nx.Graph, size: Mapping[Hashable, float] | None) -> dict[Hashable, float]:
    """Node sizes from MIN_SIZE to MAX_SIZE by the square root of the metric."""
    if not size:
        return {v: 12.0 for v in G}
    values = {v: max(0.0, float(size.get(v) or 0.0)) for v in G}
    values = {v: 0.0 if math.isnan(x) else math.sqrt(x) for v, x in values.items()}
    top = max(values.values(), default=0.0) or 1.0
    return {v: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * x / top for v, x in values.items()}


def _default_tooltip(G: nx.Graph, node: Hashable) -> str:
    facts = G.nodes[node]
    lines = [str(facts.get("name") or node)]
    lines += [f"{k}: {facts[k]}" for k in ("type", "region", "city", "country") if facts.get(k)]
    lines.append(f"degree: {G.degree(node)}")
    return "\n".join(lines)


def graph_html(
    G: nx.Graph,
    *,
    positions: Mapping[Hashable, tuple[float, float]],
    colours: Mapping[str, str],
    legend: Mapping[str, str],
    size: Mapping[Hashable, float] | None = None,
    tooltips: Mapping[Hashable, str] | None = None,
    focus: Hashable | None = None,
    path: Sequence[Hashable] = (),
    title: str = "Maillage",
    height: str = "640px",
    language: str = "fr",
) -> str:
    """A standalone HTML page drawing ``G`` with vis-network, fetching nothing at run time.

    Parameters
    ----------
    G : networkx.Graph
        Nodes carry ``name`` and ``type`` attributes (as made by graph.build).
    positions : mapping
        Fixed (x, y) for every node, in pixels; physics stays off so the picture never moves.
    colours : mapping
        Colour of each organization type (``type`` attribute).
    legend : mapping
        Label shown in the legend for each type in ``colours`` (only types present appear).
    size : mapping, optional
        The metric that sets node size (square-root scaled).
    tooltips : mapping, optional
        Plain text (lines separated by ``\\n``) shown on hover; never parsed as HTML.
    focus : node, optional
        The organization the view is centred on (thick border).
    path : sequence of nodes
        An introduction path to highlight (nodes and the edges between consecutive ones).

    Examples
    --------
    >>> G = nx.Graph([("a", "b")])
    >>> nx.set_node_attributes(G, {"a": "<b>A</b>", "b": "B"}, "name")
    >>> page = graph_html(G, positions={"a": (0, 0), "b": (50, 0)},
    ...                   colours={}, legend={})
    >>> "<b>A</b>" in page, "\\\\u003cb\\\\u003eA" in page
    (False, True)
    """
    nodes: list[dict[str, object]] = []
    edges: list[dict[str, object]] = []
    sizes = _sizes(G, size)
    on_path = {str(v) for v in path}
    path_edges = {frozenset((str(a), str(b))) for a, b in itertools.pairwise(path)}
    for node in G:
        facts = G.nodes[node]
        kind = str(facts.get("type") or "")
        x, y = positions.get(node, (0.0, 0.0))
        border = 4 if node == focus or str(node) in on_path else 1
        colour = colours.get(kind, DEFAULT_COLOUR)
        record = Node(
            str(node),
            "dot",
            str(facts.get("name") or node),
            title=(tooltips or {}).get(node) or _default_tooltip(G, node),
            x=float(x),
            y=float(y),
            size=float(sizes[node]),
            color={
                "background": colour,
                "border": PATH_COLOUR if str(node) in on_path or node == focus else "#333333",
            },
            borderWidth=border,
            physics=False,
        )
        nodes.append(record.options)
    for u, v, facts in G.edges(data=True):
        highlighted = frozenset((str(u), str(v))) in path_edges
        kinds = facts.get("types") or ()
        link = Edge(
            str(u),
            str(v),
            title=", ".join(str(k) for k in kinds),
            color=PATH_COLOUR if highlighted else "#B0B0B0",
            width=4 if highlighted else 1,
            physics=False,
        )
        edges.append(link.options)
    present = {str(G.nodes[v].get("type") or "") for v in G}
    legend_items = "".join(
        f'<li><span class="swatch" style="background:{html.escape(colours[kind])}"></span>'
        f"{html.escape(label)}</li>"
        for kind, label in legend.items()
        if kind in present and kind in colours
    )
    script, style = _library()
    options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(edges) > 2000},
        # Labels appear as the user zooms in (vis draws none under 5 px): no clutter at 500.
        "nodes": {"font": {"size": 14, "face": "sans-serif"}},
        "edges": {"smooth": False},
        "layout": {"improvedLayout": False},
    }
    return _PAGE.format(
        language=html.escape(language),
        title=html.escape(title),
        height=html.escape(height),
        style=style,
        script=script,
        legend=legend_items,
        nodes=_script_json(nodes),
        edges=_script_json(edges),
        options=_script_json(options),
        focus=_script_json(None if focus is None else str(focus)),
    )


_PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{style}</style>
<style>
html, body {{ margin: 0; padding: 0; font-family: sans-serif; background: #ffffff; }}
#map {{ width: 100%; height: {height}; border: 1px solid #dddddd; box-sizing: border-box; }}
#legend {{ position: absolute; top: 8px; left: 8px; background: rgba(255,255,255,0.9);
  border: 1px solid #dddddd; padding: 6px 10px; font-size: 12px; list-style: none; margin: 0; }}
#legend li {{ margin: 2px 0; }}
.swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; vertical-align: middle; }}
div.vis-tooltip {{ white-space: pre-line; max-width: 320px; }}
</style>
</head>
<body>
<div id="map" role="img" aria-label="{title}"></div>
<ul id="legend">{legend}</ul>
<script>{script}</script>
<script>
(function () {{
  var nodes = {nodes};
  var edges = {edges};
  function asText(value) {{
    var box = document.createElement("div");
    box.textContent = value;
    return box;
  }}
  nodes.forEach(function (node) {{ if (node.title) {{ node.title = asText(node.title); }} }});
  edges.forEach(function (edge) {{ if (edge.title) {{ edge.title = asText(edge.title); }} }});
  var container = document.getElementById("map");
  var network = new vis.Network(
    container,
    {{ nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }},
    {options}
  );
  var focus = {focus};
  network.once("afterDrawing", function () {{
    // A neighbourhood fits the frame; on a big map, zoom in on the organization in focus.
    if (focus !== null && nodes.length > 150) {{
      network.focus(focus, {{ scale: 0.8, animation: false }});
    }} else {{
      network.fit({{ animation: false }});
    }}
    window.maillageDrawnAt = performance.now();  // ms since this page started loading
    window.maillageDrawn = true;
  }});
  window.maillageNetwork = network;
}})();
</script>
</body>
</html>
"""
