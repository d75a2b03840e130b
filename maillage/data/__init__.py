"""Reference tables shipped with Maillage (Québec regions, municipalities, world outlines)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def path(*parts: str) -> Path:
    """The file ``parts`` of the shipped data, as a path on disk.

    >>> path("quebec_regions.csv").name
    'quebec_regions.csv'
    """
    resource = files(__name__)
    for part in parts:
        resource = resource.joinpath(part)
    with as_file(resource) as found:
        return Path(found)
