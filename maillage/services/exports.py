"""Every export format in one registry, for ``maillage export`` and the Data page alike."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.graph.layout import positions
from maillage.ground.i18n import translate
from maillage.ground.vocabulary import ORGANIZATION_TYPES
from maillage.loaders import export as writers
from maillage.loaders.formats.gexf import write_gexf
from maillage.loaders.formats.kumu import write_kumu_json, write_kumu_xlsx
from maillage.loaders.formats.murmurations import write_murmurations
from maillage.loaders.html_map import TYPE_COLOURS, graph_html

#: Organizations drawn at most on the standalone map, the most connected first.
MAP_CAP = 500

#: A writer: (organizations, ties, where, language) -> the files written.
Writer = Callable[[pd.DataFrame, pd.DataFrame, Path, str], list[Path]]


@dataclass(frozen=True)
class ExportFormat:
    """One way to write what an audience sees."""

    name: str
    #: Catalogue key of the format's label in the explorer.
    label: str
    #: File name offered for download (a folder format downloads as a zip of it).
    file_name: str
    mime: str
    write: Writer


def _one(write: Callable[[pd.DataFrame, pd.DataFrame, Path], Path]) -> Writer:
    return lambda orgs, ties, out, language: [write(orgs, ties, out)]


def most_connected(G: nx.Graph, cap: int) -> list[object]:
    """The ``cap`` organizations with the most neighbours (equal counts by id).

    >>> most_connected(nx.star_graph(3), 2)
    [0, 1]
    """
    return sorted(G, key=lambda v: (-G.degree(v), str(v)))[:cap]


def map_page(
    orgs: pd.DataFrame, ties: pd.DataFrame, *, language: str = "fr", cap: int = MAP_CAP
) -> str:
    """A standalone offline map of ``orgs`` and ``ties`` (already one audience's): the
    ``cap`` most connected organizations, coloured by type, sized by degree."""
    G = alliance_graph(orgs, ties)
    shown = G.subgraph(most_connected(G, cap)).copy()
    type_names = {kind: translate(language, f"type.{kind}") for kind in ORGANIZATION_TYPES}
    tooltips = {
        v: "\n".join(
            str(part)
            for part in (
                facts.get("name", v),
                type_names.get(facts.get("type", ""), ""),
                facts.get("city") or "",
            )
            if part
        )
        for v, facts in shown.nodes(data=True)
    }
    return graph_html(
        shown,
        positions=positions(shown),
        colours=TYPE_COLOURS,
        legend=type_names,
        size={v: float(G.degree(v)) for v in shown},
        tooltips=tooltips,
        title=translate(language, "page.map"),
        language=language,
        height="95vh",
    )


def _write_map(orgs: pd.DataFrame, ties: pd.DataFrame, out: Path, language: str) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(map_page(orgs, ties, language=language), encoding="utf-8")
    return [out]


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_JSON = "application/json"

#: Every format, in the order the Data page offers them.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "csv",
            "data.export_csv",
            "maillage-workbook.zip",
            "application/zip",
            lambda orgs, ties, out, language: writers.write_csv_workbook(orgs, ties, out),
        ),
        ExportFormat(
            "xlsx", "data.export_xlsx", "maillage.xlsx", _XLSX, _one(writers.write_xlsx_workbook)
        ),
        ExportFormat(
            "graphml",
            "data.export_graphml",
            "maillage.graphml",
            "application/xml",
            _one(writers.write_graphml),
        ),
        ExportFormat(
            "gexf", "data.export_gexf", "maillage.gexf", "application/xml", _one(write_gexf)
        ),
        ExportFormat(
            "json",
            "data.export_json",
            "maillage.json",
            "application/json",
            _one(writers.write_json),
        ),
        ExportFormat(
            "kumu", "data.export_kumu", "maillage-kumu.xlsx", _XLSX, _one(write_kumu_xlsx)
        ),
        ExportFormat(
            "kumu-json",
            "data.export_kumu_json",
            "maillage-kumu.json",
            "application/json",
            _one(write_kumu_json),
        ),
        ExportFormat(
            "murmurations",
            "data.export_murmurations",
            "maillage-murmurations.json",
            "application/json",
            _one(write_murmurations),
        ),
        ExportFormat("html", "data.export_html", "maillage-map.html", "text/html", _write_map),
    )
}


def export(
    orgs: pd.DataFrame, ties: pd.DataFrame, name: str, out: Path, *, language: str = "fr"
) -> list[Path]:
    """Write ``orgs`` and ``ties`` as format ``name`` at ``out`` (a folder for csv)."""
    return EXPORT_FORMATS[name].write(orgs, ties, out, language)


def export_bytes(
    orgs: pd.DataFrame, ties: pd.DataFrame, name: str, *, language: str = "fr"
) -> bytes:
    """The file a download of format ``name`` holds (a folder format as a zip)."""
    chosen = EXPORT_FORMATS[name]
    with tempfile.TemporaryDirectory(prefix="maillage-export-") as scratch:
        target = Path(scratch) / chosen.file_name.removesuffix(".zip")
        chosen.write(orgs, ties, target, language)
        if not target.is_dir():
            return target.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(target.iterdir()):
                archive.write(part, arcname=part.name)
        return buffer.getvalue()
