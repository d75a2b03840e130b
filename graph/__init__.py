"""Pure alliance-graph analytics: a NetworkX graph in, a pandas DataFrame out."""
