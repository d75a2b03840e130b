"""Data: upload a workbook, see every problem as FILE:LINE, load all or nothing; export."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from loaders import export as writers
from loaders.problems import InvalidInput
from loaders.workbook import check_workbook, load_workbook
from maillage.vocabulary import ORGANIZATION_TYPES
from ui import data, sidebar, state, views
from ui.network_map import graph_html
from ui.show import TYPE_COLOURS, number, type_label
from ui.state import t

st.title(t("page.data"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")

# --- Import -------------------------------------------------------------------------------
st.header(t("data.upload"))
uploads = st.file_uploader(
    t("data.upload"),
    type=["csv", "tsv", "txt", "xlsx"],
    accept_multiple_files=True,
    help=t("data.upload_help"),
    label_visibility="collapsed",
    key="data.uploads",
)


def _saved(folder: Path) -> list[Path]:
    """The uploaded files written under their own names in ``folder`` (names made safe)."""
    paths = []
    for upload in uploads or []:
        name = Path(upload.name).name or "upload.csv"
        path = folder / name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def _shown(text: str, folder: Path) -> str:
    """A problem with the temporary folder taken out of its FILE part."""
    return text.replace(str(folder) + "/", "")


if uploads:
    with tempfile.TemporaryDirectory(prefix="maillage-upload-") as scratch:
        folder = Path(scratch)
        paths = _saved(folder)
        checked = check_workbook(paths, data.store())
        st.subheader(t("data.check"))
        # LEAVE ROOM: column mapping for foreign tables (loaders/mapping.py, another engineer)
        # goes here: the user names the name/id/type/region columns and may turn every row
        # into a member_of tie to one organization before validation.
        with st.expander(t("data.mapping")):
            st.caption(t("data.mapping_pending"))
        if checked.problems:
            st.error(t("data.problems", count=number(len(checked.problems))))
            st.code("\n".join(_shown(str(p), folder) for p in checked.problems), language=None)
        else:
            st.success(
                t(
                    "data.valid",
                    orgs=number(len(checked.organizations)),
                    ties=number(len(checked.ties)),
                )
            )
        # LEAVE ROOM: duplicate suggestions (loaders/duplicates.py, another engineer) go here,
        # listing likely duplicate organizations between the upload and the store.
        with st.expander(t("data.duplicates")):
            st.caption(t("data.duplicates_pending"))
        allowed = audience == "private"
        if not allowed:
            st.info(t("data.locked"))
        if st.button(
            t("data.commit"),
            type="primary",
            disabled=bool(checked.problems) or not allowed,
            key="data.commit",
        ):
            try:
                outcome = load_workbook(paths, data.store())
            except InvalidInput as error:
                st.error(t("data.problems", count=number(len(error.problems))))
                st.code("\n".join(_shown(str(p), folder) for p in error.problems), language=None)
            else:
                result = outcome.result
                st.success(
                    t(
                        "data.loaded",
                        orgs=number(result.organizations),
                        ties=number(result.ties),
                        version=result.data_version[:8],
                    )
                )

# --- Export -------------------------------------------------------------------------------
st.header(t("data.exports"))
orgs, ties = data.frames(version, audience, "")
st.caption(
    f"{t('common.organizations')} : {number(len(orgs))} · {t('common.ties')} : {number(len(ties))}"
)


def _written(write: Callable[[Path], object], name: str) -> Callable[[], bytes]:
    """Deferred export: ``write`` runs into a temporary file only when the user clicks."""

    def produce() -> bytes:
        with tempfile.TemporaryDirectory(prefix="maillage-export-") as scratch:
            target = Path(scratch) / name
            write(target)
            if target.is_dir():
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for part in sorted(target.iterdir()):
                        archive.write(part, arcname=part.name)
                return buffer.getvalue()
            return target.read_bytes()

    return produce


language = state.language()
map_title = t("page.map")
legend = {kind: type_label(kind) for kind in ORGANIZATION_TYPES}


whole = data.graph(version, audience, "")
degrees = pd.Series(dict(whole.degree()), dtype=float)


def _map_page() -> bytes:
    """The offline map of the most connected organizations (the map's cap), on click."""
    shown = whole.subgraph(views.most_relevant(whole, degrees, views.NODE_CAP))
    score = degrees
    page = graph_html(
        shown,
        positions=views.global_positions(version, audience),
        colours=TYPE_COLOURS,
        legend=legend,
        size={v: float(score.get(v, 0.0)) for v in shown},
        title=map_title,
        language=language,
        height="95vh",
    )
    return page.encode("utf-8")


columns = st.columns(5)
columns[0].download_button(
    t("data.export_csv"),
    _written(lambda out: writers.write_csv_workbook(orgs, ties, out), "maillage"),
    file_name="maillage-workbook.zip",
    mime="application/zip",
    on_click="ignore",
    key="export.csv",
)
columns[1].download_button(
    t("data.export_xlsx"),
    _written(lambda out: writers.write_xlsx_workbook(orgs, ties, out), "maillage.xlsx"),
    file_name="maillage.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="export.xlsx",
)
columns[2].download_button(
    t("data.export_graphml"),
    _written(lambda out: writers.write_graphml(orgs, ties, out), "maillage.graphml"),
    file_name="maillage.graphml",
    mime="application/xml",
    on_click="ignore",
    key="export.graphml",
)
columns[3].download_button(
    t("data.export_json"),
    _written(lambda out: writers.write_json(orgs, ties, out), "maillage.json"),
    file_name="maillage.json",
    mime="application/json",
    on_click="ignore",
    key="export.json",
)
columns[4].download_button(
    t("data.export_html"),
    _map_page,
    file_name="maillage-map.html",
    mime="text/html",
    on_click="ignore",
    key="export.html",
)
