"""Data: upload a workbook, see every problem as FILE:LINE, load all or nothing; export."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from maillage.ground.tables import organizations_frame
from maillage.ground.vocabulary import ORGANIZATION_TYPES, fold
from maillage.loaders.duplicates import suggest_duplicates
from maillage.loaders.mapping import Mapping, MappingError, check_mapped, mapping_from_options
from maillage.loaders.problems import InvalidInput
from maillage.loaders.workbook import check_workbook
from maillage.services.exports import EXPORT_FORMATS, export_bytes
from maillage.services.loading import load_mapped, load_workbook
from maillage.ui import data, sidebar, state, views
from maillage.ui.sections.duplicates import render_review
from maillage.ui.show import labelled, number, type_label
from maillage.ui.state import t

st.title(t("page.data"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")

# --- Import -------------------------------------------------------------------------------
st.header(t("data.upload"))
mode = st.radio(
    t("data.mode"),
    ("workbook", "foreign"),
    format_func={"workbook": t("data.mode_workbook"), "foreign": t("data.mode_foreign")}.get,
    horizontal=True,
    key="data.mode",
)
uploads = st.file_uploader(
    t("data.upload"),
    type=["csv", "tsv", "txt", "xlsx"],
    accept_multiple_files=True,
    help=t("data.upload_help") if mode == "workbook" else t("data.foreign_help"),
    label_visibility="collapsed",
    key="data.uploads",
)


def _saved(folder: Path) -> list[Path]:
    """The uploaded files written under their own names in ``folder`` (no directories)."""
    paths = []
    for number_, upload in enumerate(uploads or []):
        name = Path(upload.name).name or f"upload-{number_}.csv"
        path = folder / name
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def _shown(text: str, folder: Path) -> str:
    """A problem with the temporary folder taken out of its FILE part."""
    return text.replace(str(folder) + "/", "")


def _headers(path: Path) -> list[str]:
    """The column headers of a foreign table (first sheet of an XLSX file), for the mapping."""
    try:
        if path.suffix.lower() == ".xlsx":
            table = pd.read_excel(path, nrows=0, sheet_name=0)
        else:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if _utf8(raw) else raw.decode("cp1252")
            table = pd.read_csv(io.StringIO(text), nrows=0, sep=None, engine="python")
    except Exception:  # an unreadable file: validation below says why, with its line
        return []
    return [str(c) for c in table.columns]


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _mapping(paths: list[Path]) -> Mapping | None:
    """The column mapping the user builds for foreign tables (loaders.mapping)."""
    headers = _headers(paths[0]) if paths else []
    none, blank = "", t("filters.none")
    columns = st.columns(3)
    chosen = {}
    for i, (entry, key) in enumerate(
        (
            ("name", "data.map_name"),
            ("id", "data.map_id"),
            ("type", "data.map_type"),
            ("region", "data.map_region"),
            ("city", "data.map_city"),
        )
    ):
        guess = next(
            (h for h in headers if fold(h) in (fold(entry), fold(t(f"field.{entry}")))), none
        )
        chosen[entry] = columns[i % 3].selectbox(
            t(key),
            [none, *headers],
            index=[none, *headers].index(guess),
            format_func=lambda h: h or blank,
            key=f"data.column.{entry}",
        )
    org_type = columns[2].selectbox(
        t("data.map_constant_type"),
        ORGANIZATION_TYPES,
        format_func=labelled(type_label, ORGANIZATION_TYPES),
        key="data.constant_type",
    )
    with columns[0]:
        member_of = views.org_picker(
            t("data.map_member_of_search"),
            t("data.map_member_of"),
            query_entry="qmember",
            id_entry="member",
            version=version,
            audience=audience,
            as_of="",
            placeholder="pole",
        )
    try:
        return mapping_from_options(
            id_column=chosen["id"] or None,
            name_column=chosen["name"] or None,
            type_column=chosen["type"] or None,
            region_column=chosen["region"] or None,
            city_column=chosen["city"] or None,
            org_type=None if chosen["type"] else org_type,
            member_of=member_of or None,
        )
    except MappingError as error:
        st.error(str(error))
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _duplicates(version: str, audience: str, new_orgs: pd.DataFrame) -> pd.DataFrame:
    """maillage.loaders.duplicates pairs between the upload and the store (or within the upload)."""
    stored, _ = data.frames(version, audience, data.EVERY_DATE)
    fresh = organizations_frame(new_orgs)
    every = pd.concat([stored[~stored["id"].isin(fresh["id"])], fresh], ignore_index=True)
    pairs = suggest_duplicates(every)
    new_ids = set(fresh["id"])
    return pairs.loc[pairs["left"].isin(new_ids) | pairs["right"].isin(new_ids)].reset_index(
        drop=True
    )


def _duplicate_table(pairs: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("data.dup_left"): [f"{names.get(i, i)} ({i})" for i in pairs["left"]],
            t("data.dup_right"): [f"{names.get(i, i)} ({i})" for i in pairs["right"]],
            t("common.score"): [number(s, 2) for s in pairs["score"]],
            t("data.dup_evidence"): pairs["evidence"],
        }
    )


if uploads:
    with tempfile.TemporaryDirectory(prefix="maillage-upload-") as scratch:
        folder = Path(scratch)
        paths = _saved(folder)
        mapping = None
        if mode == "foreign":
            st.subheader(t("data.mapping"))
            mapping = _mapping(paths)
            if mapping is None:
                st.stop()
            with data.store_in_use() as opened:
                checked = check_mapped(paths, mapping, opened.existing_ids)
        else:
            with data.store_in_use() as opened:
                checked = check_workbook(paths, opened.existing_ids)
        st.subheader(t("data.check"))
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
        if checked.organizations:
            st.subheader(t("data.duplicates"))
            new_orgs = pd.DataFrame.from_records(checked.organizations)
            pairs = _duplicates(version, audience, new_orgs)
            if pairs.empty:
                st.caption(t("data.no_duplicates"))
            else:
                stored, _ = data.frames(version, audience, data.EVERY_DATE)
                names = pd.concat(
                    [stored.set_index("id")["name"], new_orgs.set_index("id")["name"]]
                )
                names = names[~names.index.duplicated(keep="last")]
                st.caption(t("data.duplicates_help"))
                st.dataframe(_duplicate_table(pairs, names), hide_index=True, width="stretch")
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
                with data.store_in_use() as opened:
                    if mapping is not None:
                        result = load_mapped(paths, mapping, opened).result
                    else:
                        result = load_workbook(paths, opened).result
            except InvalidInput as error:
                st.error(t("data.problems", count=number(len(error.problems))))
                st.code("\n".join(_shown(str(p), folder) for p in error.problems), language=None)
            else:
                st.success(
                    t(
                        "data.loaded",
                        orgs=number(result.organizations),
                        ties=number(result.ties),
                        version=result.data_version[:8],
                    )
                )

render_review(version, audience)

# --- Export -------------------------------------------------------------------------------
st.header(t("data.exports"))
orgs, ties = data.frames(version, audience, data.EVERY_DATE)
st.caption(
    f"{t('common.organizations')} : {number(len(orgs))} · {t('common.ties')} : {number(len(ties))}"
)
language = state.language()
for column, chosen in zip(st.columns(len(EXPORT_FORMATS)), EXPORT_FORMATS.values(), strict=True):
    column.download_button(
        t(chosen.label),
        # Deferred: the file is written only when the user clicks.
        lambda name=chosen.name: export_bytes(orgs, ties, name, language=language),
        file_name=chosen.file_name,
        mime=chosen.mime,
        on_click="ignore",
        key=f"export.{chosen.name}",
    )
