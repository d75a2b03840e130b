"""Graph and map formats in and out: GraphML, GEXF, node-link JSON, Kumu, Murmurations, SEA CSV.

:func:`read_graph_file` picks the reader from the file's extension and, for JSON, from the
document's shape; every reader returns raw tables that go through the workbook validation.
"""

from __future__ import annotations

import json
from pathlib import Path

from maillage.loaders.formats.gexf import read_gexf
from maillage.loaders.formats.graphml import read_graphml
from maillage.loaders.formats.kumu import has_kumu_sheets, is_kumu, kumu_json_tables, read_kumu_xlsx
from maillage.loaders.formats.murmurations import murmurations_tables, profile_list
from maillage.loaders.formats.nodelink import is_node_link, node_link_tables
from maillage.loaders.formats.sea import is_sea_standard, read_sea_csv
from maillage.loaders.tables import RawTable, unreadable
from maillage.loaders.text import UndecodableText, decode

#: Extensions :func:`read_graph_file` reads.
GRAPH_SUFFIXES = (".graphml", ".gexf", ".json")
#: JSON files above this size are refused rather than parsed into memory whole.
MAX_JSON_BYTES = 512 * 1024 * 1024


def read_graph_file(path: Path) -> list[RawTable]:
    """Raw organizations and ties tables from a GraphML, GEXF or JSON file."""
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        return read_graphml(path)
    if suffix == ".gexf":
        return read_gexf(path)
    if suffix == ".json":
        return read_json(path)
    return [unreadable(str(path), 0, f"no graph reader for {suffix!r} files")]


def read_json(path: Path) -> list[RawTable]:
    """Node-link JSON, a Kumu blueprint or Murmurations profiles, told apart by shape."""
    label = str(path)
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            return [unreadable(label, 0, "JSON file too large (over 512 MB)")]
        text, _ = decode(path.read_bytes())
        document = json.loads(text)
    except OSError as error:
        return [unreadable(label, 0, f"cannot read the file: {error.strerror}")]
    except UndecodableText as error:
        return [unreadable(label, 1, str(error))]
    except json.JSONDecodeError as error:
        return [unreadable(label, error.lineno, f"not valid JSON: {error.msg}")]
    except RecursionError:
        return [unreadable(label, 1, "JSON nested too deeply")]
    except ValueError as error:  # e.g. an integer too long to convert
        return [unreadable(label, 1, f"not usable JSON: {str(error)[:200]}")]
    if is_node_link(document):
        return node_link_tables(document, label=label)
    if is_kumu(document):
        return kumu_json_tables(document, label=label)
    found = profile_list(document)
    if found is not None:
        return murmurations_tables(found, label=label)
    return [
        unreadable(
            label,
            1,
            "unknown JSON shape: expected node-link ({nodes, links}), a Kumu blueprint "
            "({elements, connections}) or Murmurations profiles (with linked_schemas)",
        )
    ]


__all__ = [
    "GRAPH_SUFFIXES",
    "has_kumu_sheets",
    "is_sea_standard",
    "read_graph_file",
    "read_json",
    "read_kumu_xlsx",
    "read_sea_csv",
]
