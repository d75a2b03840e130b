"""Pure alliance-graph analytics: a NetworkX graph in, a pandas DataFrame out.

One topic per module; each takes the graph first and options by keyword:

- :mod:`graph.build` — ``alliance_graph(orgs, ties)``, ``directed_ties_graph(G)``,
  ``ties_active_at(ties, date)``, ``node_order``
- :mod:`graph.engine` — compiled/vectorized kernels (rustworkx, NetworKit, SciPy) that
  return NetworkX's numbers
- :mod:`graph.centrality` — ``centrality(G)``
- :mod:`graph.brokerage` — ``structural_holes(G)``, ``brokerage_roles(G)``
- :mod:`graph.communities` — ``communities(G)``
- :mod:`graph.metrics` — ``metrics(orgs, G)``, the ``maillage metrics`` table
- :mod:`graph.gaps` — ``gap_report(G)`` and its sections
- :mod:`graph.opportunities` — ``opportunities(G)``, ``score_pairs(G, pairs)``
- :mod:`graph.paths` — ``introduction_paths(G, a, b)``, ``ego_network``, ``ego_members``
- :mod:`graph.change` — ``diff(orgs, ties, start=..., end=...)``
- :mod:`graph.backtest` — ``backtest(orgs, ties, cutoff=...)``
- :mod:`maillage.services.cache` — ``AnalyticsCache``, ``cache_key``
"""
