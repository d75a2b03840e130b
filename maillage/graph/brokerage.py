"""Who brokers: Burt's structural holes and Gould–Fernandez brokerage roles.

Structural holes (Burt 1992) are computed by a compiled kernel on the undirected
alliance graph. For a node i with contacts N(i), let p_ij be the share of i's tie
strength going to j (``weight`` when ``weighted``, else 1 per contact) and m_jq the
strength of j's tie to q divided by j's strongest tie. Then

* constraint  C_i = Σ_j c_ij  with  c_ij = (p_ij + Σ_q p_iq p_qj)²  (NetworkX's
  ``constraint``);
* effective size  E_i = Σ_j (1 − Σ_q p_iq m_jq)  (NetworkX's ``effective_size`` with
  ``nodes=list(G)``; Borgatti's n − 2t/n when unweighted);
* hierarchy  H_i = Σ_j (c_ij / c̄) ln(c_ij / c̄) / (N ln N), with N = |N(i)| and
  c̄ = C_i / N: the Coleman–Theil disorder of the constraint contributions
  (Burt 1992, *Structural Holes*, ch. 2). It is 0 when every contact constrains
  equally and grows toward 1 as one contact concentrates the constraint. It is
  undefined (NaN) with fewer than two contacts, as constraint and effective size are
  for isolated organizations.

Brokerage roles follow Gould and Fernandez (1989, *Sociological Methodology* 19):
a broker b sits on an open two-path a → b → c (a ≠ c, no arc a → c), and the role
depends on the groups of a, b and c.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph import engine

#: Gould–Fernandez roles; on equal counts the earlier role in this order wins, so the
#: role spanning more groups is preferred (liaison spans three).
ROLES = ("liaison", "gatekeeper", "representative", "consultant", "coordinator")

#: The value of ``broker_role`` for an organization on no open two-path.
NO_ROLE = "none"


def structural_holes(G: nx.Graph, *, weighted: bool = False) -> pd.DataFrame:
    """Burt's constraint, effective size and hierarchy of every organization.

    Parameters
    ----------
    G : networkx.Graph
        Undirected alliance graph.
    weighted : bool, default False
        Use edge ``weight`` as tie strength; otherwise every tie counts 1.

    Returns
    -------
    DataFrame
        Indexed by organization id in :func:`graph.build.node_order`; columns
        ``constraint``, ``effective_size``, ``hierarchy`` (NaN where undefined: no
        contact, or fewer than two contacts for hierarchy).

    Examples
    --------
    A star: the centre has three unconnected contacts, each leaf one contact.

    >>> holes = structural_holes(nx.star_graph(3))
    >>> [round(float(v), 4) for v in holes["constraint"]]
    [0.3333, 1.0, 1.0, 1.0]
    >>> holes.loc[0, "effective_size"], holes.loc[0, "hierarchy"]
    (np.float64(3.0), np.float64(0.0))
    """
    index = engine.Indexed.of(G)
    constraint, effective_size, hierarchy = engine.structural_holes(
        G, weight="weight" if weighted else None
    )
    return pd.DataFrame(
        {"constraint": constraint, "effective_size": effective_size, "hierarchy": hierarchy},
        index=pd.Index(index.nodes, name="id", dtype=object),
    )


def brokerage_roles(G: nx.Graph, *, by: str = "type") -> pd.DataFrame:
    """Gould–Fernandez brokerage counts and the dominant role of every organization.

    Tie direction comes from the tie types (as in :func:`graph.build.directed_ties_graph`):
    ``member_of``, ``funds``, ``supplies``, ``founded`` and ``represents`` point from
    source to target; ``partner`` points both ways. Groups are the node attribute ``by``
    (``type`` by default, or ``region``...); a missing value is a group of its own. For
    a broker b on an open two-path a → b → c:

    ============== =====================  ===========================================
    role           groups                 meaning
    ============== =====================  ===========================================
    coordinator    a = b = c              brokers inside its own group
    consultant     a = c ≠ b              an outsider linking two members of a group
                                          (also called itinerant)
    representative a = b ≠ c              speaks for its group to another group
    gatekeeper     b = c ≠ a              lets an outsider into its group
    liaison        a, b, c all differ     links two groups it belongs to neither of
    ============== =====================  ===========================================

    ``broker_role`` is the role with the most two-paths; equal counts go to the role
    earlier in :data:`ROLES` (liaison, gatekeeper, representative, consultant,
    coordinator); ``"none"`` when the organization brokers no two-path.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("a", {"type": "enterprise"}), ("b", {"type": "network"}),
    ...                   ("c", {"type": "funder"})])
    >>> G.add_edges_from([("a", "b"), ("b", "c")])
    >>> roles = brokerage_roles(G)
    >>> int(roles.loc["b", "liaison"]), roles.loc["b", "broker_role"]
    (2, 'liaison')
    >>> roles.loc["a", "broker_role"]
    'none'
    """
    index = engine.Indexed.of(G)
    found = engine.brokerage_counts(G, by=by)
    counts = np.zeros((len(index.nodes), len(ROLES)), dtype=np.int64)
    for column, role in enumerate(engine.BROKERAGE_COLUMNS):
        counts[:, ROLES.index(role)] = found[:, column]
    roles = pd.DataFrame(counts, columns=list(ROLES), index=pd.Index(index.nodes, name="id"))
    roles = roles[["coordinator", "gatekeeper", "representative", "consultant", "liaison"]]
    roles["brokerage"] = counts.sum(axis=1)
    best = np.argmax(counts, axis=1) if len(counts) else np.zeros(0, dtype=np.int64)
    roles["broker_role"] = [
        ROLES[k] if total > 0 else NO_ROLE
        for k, total in zip(best, roles["brokerage"], strict=True)
    ]
    return roles
