"""Pure alliance-graph analytics: a NetworkX graph in, a pandas DataFrame out.

One topic per module; each takes the graph first and options by keyword:

- :mod:`maillage.graph.build` — ``alliance_graph(orgs, ties)``, ``directed_ties_graph(G)``,
  ``ties_active_at(ties, date)``, ``node_order``
- :mod:`maillage.graph.engine` — compiled kernels (Numba, NetworKit, SciPy) that return NetworkX's
  numbers
- :mod:`maillage.graph.centrality` — ``centrality(G)``
- :mod:`maillage.graph.brokerage` — ``structural_holes(G)``, ``brokerage_roles(G)``
- :mod:`maillage.graph.communities` — ``communities(G)``
- :mod:`maillage.graph.metrics` — ``metrics(orgs, G)``, the ``maillage metrics`` table
- :mod:`maillage.graph.gaps` — ``gap_report(G)`` and its sections
- :mod:`maillage.graph.opportunities` — ``opportunities(G)``, ``score_pairs(G, pairs)``
- :mod:`maillage.graph.paths` — ``introduction_paths(G, a, b)``, ``ego_network``, ``ego_members``
- :mod:`maillage.graph.change` — ``diff(orgs, ties, start=..., end=...)``
- :mod:`maillage.graph.backtest` — ``backtest(orgs, ties, cutoff=...)``
- :mod:`maillage.graph.layout` — ``positions(G)``, the map's layout
"""
