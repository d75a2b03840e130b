"""Import a filtered extract of Québec's enterprise register (Registraire des entreprises).

The open data (Données Québec, "Registre des entreprises") is a set of CSV files joined on
the enterprise number ``NEQ``: ``Entreprise.csv`` (legal form ``COD_FORME_JURI``, status
``COD_STAT_IMMAT``, bankruptcy ``IND_FAIL``, dates, economic activity, domicile address in
``ADR_DOMCL_LIGN1_ADR``..``LIGN4``), ``Nom.csv`` (names, ``STAT_NOM``/``TYP_NOM_ASSUJ``),
``Etablissements.csv`` (establishments and their addresses), ``FusionScissions.csv``
(mergers and splits: ``NEQ``, ``NEQ_ASSUJ_REL``, ``COD_RELA_ASSUJ``, ``DAT_EFCTVT``) and
``DomaineValeur.csv`` (labels of the codes). The full files weigh gigabytes, so they are
streamed row by row with the ``csv`` module: ``Entreprise.csv`` once to choose the NEQs
(legal forms, region), then each other file once, keeping only rows of chosen NEQs.

Choices, and why:

* Struck-off organizations (``COD_STAT_IMMAT`` in :data:`STRUCK_OFF`, e.g. ``RO``/``RX``)
  are kept, tagged ``struck_off`` with the status code and label as properties: a dissolved
  co-op still explains the ties it had, and users filter on the tag.
* A merger or split becomes a ``founded`` tie from the predecessor to the successor, dated
  ``DAT_EFCTVT``: of the contract's tie types it is the only directed "brought into being"
  relation (``partner`` would lose the direction, ``member_of`` would be false). The row is
  read as "``NEQ`` came out of ``NEQ_ASSUJ_REL``" unless its relation code is in
  ``reverse_relations``; check this against the guide (IN-537) of the edition you load,
  the code values are not documented in the files. A predecessor outside the extract is
  added with the name and address the merger row gives (tagged ``register_related``).
* Column names follow the published files; the code values used as defaults (``APE``,
  ``COP``, ``ASS``; ``IM``, ``RO``, ``RX``) are overridable by the caller.
* The register's name is the *legal* name: it is kept as ``legal_name`` (a property) and
  shows as the name only when no other source names the organization; the NEQ is kept as
  ``neq``, the organization's strong key across sources.

A single CSV table with one row per enterprise (what a steward often receives) is read
through the preset :data:`TABLE_PRESET`: each role (NEQ, name, legal form, status, address
lines, city, postal code, activity, dates) is found under any of its listed headers (case
and accents ignored); the NEQ is required, the rest optional. Rows that repeat one another
exactly are counted once, with a notice.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TextIO

from maillage.ground.vocabulary import fold
from maillage.loaders.places import infer_region, place_key, postal_code
from maillage.loaders.problems import Problem
from maillage.loaders.tables import ORGANIZATIONS, TIES, RawRow, RawTable, unreadable
from maillage.loaders.validate import Validated, validate

#: Legal forms of the social and solidarity economy: non-profit legal persons, co-operatives,
#: associations.
SOCIAL_ECONOMY_FORMS: Final = ("APE", "COP", "ASS")
#: Registration statuses meaning the organization was struck off the register.
STRUCK_OFF: Final = ("RO", "RX")
LEGAL_FORM_NAMES: Final = {"APE": "non_profit", "COP": "cooperative", "ASS": "association"}
TYPE_BY_FORM: Final = {"COP": "enterprise", "APE": "community_group", "ASS": "community_group"}
#: The file stems of the open-data set (singular or plural spellings are both accepted).
FILES: Final = {
    "entreprise": ("Entreprise",),
    "nom": ("Nom",),
    "etablissements": ("Etablissements", "Etablissement"),
    "fusions": ("FusionScissions", "FusionScission"),
    "domaine": ("DomaineValeur",),
}


class RegisterError(ValueError):
    """The register folder cannot be used (a file missing, a column missing)."""


@dataclass(frozen=True)
class RegisterFilter:
    """Which register rows to import."""

    legal_forms: tuple[str, ...] = SOCIAL_ECONOMY_FORMS
    #: Québec region codes; empty = every region (and addresses with no known region).
    regions: tuple[str, ...] = ()
    include_struck_off: bool = True
    struck_off: tuple[str, ...] = STRUCK_OFF
    type_by_form: dict[str, str] = field(default_factory=lambda: dict(TYPE_BY_FORM))
    #: Relation codes whose row reads "NEQ_ASSUJ_REL came out of NEQ".
    reverse_relations: tuple[str, ...] = ()


@dataclass
class RegisterRead:
    """The raw tables of an extract and what streaming it took."""

    tables: list[RawTable]
    rows_read: dict[str, int] = field(default_factory=dict)
    kept: int = 0


def find_files(folder: Path) -> dict[str, Path]:
    """The register files in a folder, by role; :class:`RegisterError` names what is missing."""
    present = {p.stem.casefold(): p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    found: dict[str, Path] = {}
    for role, stems in FILES.items():
        for stem in stems:
            if stem.casefold() in present:
                found[role] = present[stem.casefold()]
                break
    if "entreprise" not in found:
        raise RegisterError(f"{folder}: no Entreprise.csv: is this the register's open data?")
    return found


def open_text(path: Path) -> TextIO:
    """A text stream over a register file: UTF-8 (BOM or not), else Windows-1252."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if error.start < len(head) - 4:
            encoding = "cp1252"
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="replace", newline="")


def stream_rows(
    path: Path, required: Sequence[str] = ("NEQ",)
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a register file with the line each starts on, one at a time."""
    with open_text(path) as text:
        reader = csv.reader(text, delimiter=_delimiter(path))
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise RegisterError(f"{path}: missing columns {', '.join(missing)}")
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if record:
                yield start, dict(zip(header, record, strict=False))


def read_register(folder: Path, register_filter: RegisterFilter | None = None) -> RegisterRead:
    """Stream the register files once each and build the extract's raw tables."""
    chosen = register_filter or RegisterFilter()
    files = find_files(folder)
    labels = _labels(files.get("domaine"))
    read = RegisterRead(tables=[])
    entreprise = files["entreprise"]
    orgs: dict[str, RawRow] = {}
    count = 0
    forms = set(chosen.legal_forms)
    for line, row in stream_rows(entreprise, ("NEQ", "COD_FORME_JURI", "COD_STAT_IMMAT")):
        count += 1
        form = row.get("COD_FORME_JURI", "").strip()
        if form not in forms:
            continue
        status = row.get("COD_STAT_IMMAT", "").strip()
        if not chosen.include_struck_off and status in chosen.struck_off:
            continue
        lines = [row.get(f"ADR_DOMCL_LIGN{i}_ADR", "").strip() for i in range(1, 5)]
        city, postal = _city_and_postal(lines)
        region = infer_region(city=city, postal=postal or "")
        if chosen.regions and region not in chosen.regions:
            continue
        neq = row["NEQ"].strip()
        orgs[neq] = _organization(line, neq, row, form, status, city, postal, region, chosen,
                                  labels)  # fmt: skip
    read.rows_read["Entreprise"] = count
    read.kept = len(orgs)
    if "nom" in files:
        read.rows_read["Nom"] = _add_names(files["nom"], orgs)
    if "etablissements" in files:
        read.rows_read["Etablissements"] = _add_establishments(
            files["etablissements"], orgs, chosen
        )
    ties = RawTable(str(files.get("fusions", entreprise)), TIES)
    related = RawTable(str(files.get("fusions", entreprise)), ORGANIZATIONS)
    if "fusions" in files:
        read.rows_read["FusionScissions"] = _add_mergers(
            files["fusions"], orgs, ties, related, chosen, labels
        )
    for org in orgs.values():
        if not org.extras.get("legal_name") and org.extras.get("other_names"):
            org.extras["legal_name"] = org.extras["other_names"].split("|")[0]
    table = RawTable(str(entreprise), ORGANIZATIONS, rows=list(orgs.values()))
    read.tables = [table, related, ties] if related.rows else [table, ties]
    return read


#: The single-table preset: each role of a register row and the headers that hold it
#: (compared once folded: case, accents, spaces and punctuation set aside).
TABLE_PRESET: Final = {
    "NEQ": ("neq", "numero_d_entreprise_du_quebec", "numero_entreprise"),
    "NOM_ASSUJ": ("nom_assuj", "nom", "nom_de_l_entreprise", "nom_entreprise", "raison_sociale",
                  "denomination_sociale", "denomn_soc", "legal_name", "name"),
    "COD_FORME_JURI": ("cod_forme_juri", "forme_juridique", "code_forme_juridique", "forme"),
    "COD_STAT_IMMAT": ("cod_stat_immat", "statut", "statut_d_immatriculation", "status"),
    "ADR_DOMCL_LIGN1_ADR": ("adr_domcl_lign1_adr", "adresse", "adresse_du_domicile", "address"),
    "ADR_DOMCL_LIGN2_ADR": ("adr_domcl_lign2_adr", "adresse_2"),
    "ADR_DOMCL_LIGN3_ADR": ("adr_domcl_lign3_adr", "municipalite", "ville", "city"),
    "ADR_DOMCL_LIGN4_ADR": ("adr_domcl_lign4_adr", "code_postal", "postal_code"),
    "DESC_ACT_ECON_ASSUJ": ("desc_act_econ_assuj", "secteur", "activite", "secteur_d_activite"),
    "DAT_CONSTI": ("dat_consti", "date_de_constitution"),
    "DAT_IMMAT": ("dat_immat", "date_d_immatriculation"),
    "IND_FAIL": ("ind_fail", "faillite"),
}  # fmt: skip
#: Legal forms written out in words, as a preset table may give them (folded words).
_FORM_WORDS: Final = (("coop", "COP"), ("sans_but_lucratif", "APE"), ("obnl", "APE"),
                      ("osbl", "APE"), ("association", "ASS"))  # fmt: skip


def read_register_table(path: Path, register_filter: RegisterFilter | None = None) -> RegisterRead:
    """One CSV table of register rows (:data:`TABLE_PRESET`), streamed, as raw tables.

    Rows keep the file's order, repeats included, so that validation can count identical
    rows once and report conflicting ones.
    """
    chosen = register_filter or RegisterFilter()
    with open_text(path) as text:
        header = next(csv.reader(text, delimiter=_delimiter(path)), None) or []
    folded = {fold(h.strip().lstrip("\ufeff")): h.strip().lstrip("\ufeff") for h in header}
    roles = {
        role: next((folded[name] for name in names if name in folded), None)
        for role, names in TABLE_PRESET.items()
    }
    if roles["NEQ"] is None:
        raise RegisterError(
            f"{path}: no NEQ column: a register extract has one (headers: {', '.join(header)})"
        )
    rows: list[RawRow] = []
    forms = set(chosen.legal_forms)
    count = 0
    for line, raw in stream_rows(path, (roles["NEQ"],)):
        count += 1
        row = {role: raw.get(h, "").strip() for role, h in roles.items() if h}
        form = _form_code(row.get("COD_FORME_JURI", ""))
        if roles["COD_FORME_JURI"] and form not in forms:
            continue
        status = row.get("COD_STAT_IMMAT", "")
        if not chosen.include_struck_off and status in chosen.struck_off:
            continue
        lines = [row.get(f"ADR_DOMCL_LIGN{i}_ADR", "") for i in range(1, 5)]
        city, postal = _city_and_postal(lines)
        region = infer_region(city=city, postal=postal or "")
        if chosen.regions and region not in chosen.regions:
            continue
        neq = row["NEQ"]
        built = _organization(line, neq, row, form, status, city, postal, region, chosen, {})
        if row.get("NOM_ASSUJ"):
            built.extras["legal_name"] = row["NOM_ASSUJ"]
        rows.append(built)
    read = RegisterRead(tables=[RawTable(str(path), ORGANIZATIONS, rows=rows)], kept=len(rows))
    read.rows_read[path.name] = count
    return read


def _form_code(text: str) -> str:
    """A legal form code from a code or its words.

    >>> _form_code("COP"), _form_code("Coopérative"), _form_code("OBNL")
    ('COP', 'COP', 'APE')
    """
    if text.upper() in LEGAL_FORM_NAMES or len(text) <= 3:
        return text.upper()
    folded = fold(text)
    return next((code for word, code in _FORM_WORDS if word in folded), text)


def check_register(
    path: Path,
    register_filter: RegisterFilter | None = None,
    known_ids: Callable[[Iterable[str]], set[str]] | None = None,
) -> tuple[Validated, RegisterRead]:
    """Read and validate an extract (a folder of the open data, or one CSV table) without
    writing.

    The raw tables are released once validated (``read.tables`` comes back empty): with
    tens of thousands of organizations kept, holding both copies doubles the peak memory.
    """
    if path.is_file():
        read = read_register_table(path, register_filter)
    elif path.is_dir():
        read = read_register(path, register_filter)
    else:
        raise RegisterError(f"{path}: no such folder or file")
    checked = validate(read.tables, known_ids=known_ids)
    read.tables = []
    return checked, read


def _delimiter(path: Path) -> str:
    with open_text(path) as text:
        header = text.readline()
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _labels(path: Path | None) -> dict[tuple[str, str], str]:
    if path is None:
        return {}
    return {
        (row.get("TYP_DOM_VAL", "").strip(), row.get("COD_DOM_VAL", "").strip()): row.get(
            "VAL_DOM_FRAN", ""
        ).strip()
        for _, row in stream_rows(path, ("TYP_DOM_VAL", "COD_DOM_VAL", "VAL_DOM_FRAN"))
    }


def _label(labels: dict[tuple[str, str], str], kinds: Sequence[str], code: str) -> str:
    for kind in kinds:
        if (kind, code) in labels:
            return labels[(kind, code)]
    return next((v for (k, c), v in labels.items() if c == code and any(x in k for x in kinds)),
                "")  # fmt: skip


def _city_and_postal(lines: Sequence[str]) -> tuple[str, str | None]:
    """The city (last non-empty line before the postal code) and the postal code."""
    postal = None
    city = ""
    for text in lines:
        found = postal_code(text)
        if found:
            postal = found
            rest = text.replace(found, "").replace(found.replace(" ", ""), "").strip(" ,")
            if rest:
                city = rest
            break
        if text:
            city = text
    return city, postal


def _organization(
    line: int,
    neq: str,
    row: dict[str, str],
    form: str,
    status: str,
    city: str,
    postal: str | None,
    region: str | None,
    chosen: RegisterFilter,
    labels: dict[tuple[str, str], str],
) -> RawRow:
    tags = []
    if status in chosen.struck_off:
        tags.append("struck_off")
    if row.get("IND_FAIL", "").strip().upper() in ("O", "1", "Y", "TRUE"):
        tags.append("bankrupt")
    founded = (row.get("DAT_CONSTI") or row.get("DAT_IMMAT") or "")[:4]
    cells = {
        "id": neq,
        "type": chosen.type_by_form.get(form, "enterprise"),
        "legal_form": LEGAL_FORM_NAMES.get(form, form),
        "sector": row.get("DESC_ACT_ECON_ASSUJ", "").strip(),
        "city": _clean_city(city),
        "region": region or "",
        "country": "CA",
        "founded": founded if founded.isdigit() else "",
        "tags": "|".join(tags),
    }
    extras = {
        "neq": neq,
        "registration_status": status,
        "registration_status_label": _label(labels, ("STAT_IMMAT", "COD_STAT_IMMAT"), status),
        "legal_form_code": form,
        "legal_form_label": _label(labels, ("FORME_JURI", "FORM_JURI", "COD_FORME_JURI"), form),
        "activity_code": row.get("COD_ACT_ECON_CAE", "").strip(),
        "employees_range": _label(
            labels,
            ("INTVAL_EMPLO_QUE", "COD_INTVAL_EMPLO_QUE"),
            row.get("COD_INTVAL_EMPLO_QUE", ""),
        )
        or row.get("COD_INTVAL_EMPLO_QUE", "").strip(),
        "registered_on": row.get("DAT_IMMAT", "").strip(),
        "postal_code": postal or "",
        "address": " ".join(
            p for p in (row.get(f"ADR_DOMCL_LIGN{i}_ADR", "").strip() for i in range(1, 5)) if p
        ),
        "source_ref": "Registraire des entreprises du Québec (données ouvertes)",
    }
    return RawRow(
        line, {k: v for k, v in cells.items() if v}, {k: v for k, v in extras.items() if v}
    )


def _add_names(path: Path, orgs: dict[str, RawRow]) -> int:
    count = 0
    for _, row in stream_rows(path, ("NEQ", "NOM_ASSUJ")):
        count += 1
        org = orgs.get(row["NEQ"].strip())
        if org is None:
            continue
        name = row.get("NOM_ASSUJ", "").strip()
        if not name:
            continue
        current = not row.get("DAT_FIN_NOM_ASSUJ", "").strip() and row.get(
            "STAT_NOM", "V"
        ).strip().upper() in ("V", "")
        primary = row.get("TYP_NOM_ASSUJ", "N").strip().upper() in ("N", "")
        if current and primary and not org.extras.get("legal_name"):
            org.extras["legal_name"] = name
        else:
            others = [n for n in org.extras.get("other_names", "").split("|") if n]
            if name not in others:
                org.extras["other_names"] = "|".join([*others, name])
    return count


def _add_establishments(path: Path, orgs: dict[str, RawRow], chosen: RegisterFilter) -> int:
    count = 0
    for _, row in stream_rows(path, ("NEQ",)):
        count += 1
        org = orgs.get(row["NEQ"].strip())
        if org is None:
            continue
        org.extras["establishments"] = str(int(org.extras.get("establishments", "0")) + 1)
        main = row.get("IND_ETAB_PRINC", "").strip().upper() in ("O", "1", "Y", "TRUE")
        if main and not org.cells.get("city"):
            lines = [row.get(f"LIGN{i}_ADR", "").strip() for i in range(1, 5)]
            city, postal = _city_and_postal(lines)
            if city:
                org.cells["city"] = _clean_city(city)
            if postal and not org.extras.get("postal_code"):
                org.extras["postal_code"] = postal
            if not org.cells.get("region"):
                region = infer_region(city=city, postal=postal or "")
                if region:
                    org.cells["region"] = region
        if not org.cells.get("sector") and row.get("DESC_ACT_ECON_ETAB", "").strip():
            org.cells["sector"] = row["DESC_ACT_ECON_ETAB"].strip()
    return count


def _add_mergers(
    path: Path,
    orgs: dict[str, RawRow],
    ties: RawTable,
    related: RawTable,
    chosen: RegisterFilter,
    labels: dict[tuple[str, str], str],
) -> int:
    count = 0
    added: set[str] = set()
    for line, row in stream_rows(path, ("NEQ", "NEQ_ASSUJ_REL")):
        count += 1
        neq, other = row["NEQ"].strip(), row.get("NEQ_ASSUJ_REL", "").strip()
        if not other or (neq not in orgs and other not in orgs):
            continue
        code = row.get("COD_RELA_ASSUJ", "").strip()
        predecessor, successor = (neq, other) if code in chosen.reverse_relations else (other, neq)
        for outside in (neq, other):
            if outside not in orgs and outside not in added:
                added.add(outside)
                # The row's name and address describe the related enterprise, NEQ_ASSUJ_REL.
                known = outside == other
                lines = [row.get(f"LIGN{i}_ADR", "").strip() if known else "" for i in range(1, 5)]
                city, postal = _city_and_postal(lines)
                name = row.get("DENOMN_SOC", "").strip() if known else ""
                related.rows.append(
                    RawRow(
                        line,
                        {k: v for k, v in {
                            "id": outside, "type": "enterprise", "city": _clean_city(city),
                            "country": "CA",
                            "region": infer_region(city=city, postal=postal or "") or "",
                            "tags": "register_related",
                        }.items() if v},
                        {"neq": outside, "legal_name": name or f"Entreprise {outside}"},
                    )
                )  # fmt: skip
        date = row.get("DAT_EFCTVT", "").strip()[:10]
        ties.rows.append(
            RawRow(
                line,
                {"source": predecessor, "target": successor, "type": "founded",
                 "since": date, "source_ref": "Registraire des entreprises: FusionScissions"},
                {k: v for k, v in {
                    "relation_code": code,
                    "relation": _label(labels, ("RELA_ASSUJ", "COD_RELA_ASSUJ"), code),
                }.items() if v},
            )
        )  # fmt: skip
    return count


def _clean_city(city: str) -> str:
    """``MONTRÉAL (QUÉBEC)`` → ``MONTRÉAL``: the province suffix is no part of the city."""
    key = place_key(city)
    if not key:
        return ""
    cut = city.split("(")[0].strip(" ,")
    return cut.removesuffix(" QC").removesuffix(" Qc").strip(" ,") or city.strip()


def problems_text(problems: Sequence[Problem]) -> str:
    """The problems as lines, for a command's error output."""
    return "\n".join(str(p) for p in problems)


__all__ = [
    "SOCIAL_ECONOMY_FORMS",
    "STRUCK_OFF",
    "RegisterError",
    "RegisterFilter",
    "RegisterRead",
    "check_register",
    "find_files",
    "read_register",
    "read_register_table",
    "stream_rows",
    "unreadable",
]
