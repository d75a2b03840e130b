"""Sections the pages call in one line each: small renderers over the services."""
