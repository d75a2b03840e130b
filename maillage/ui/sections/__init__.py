"""Sections the pages place with a line or two: each calls the services and draws itself."""
