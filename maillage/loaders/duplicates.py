"""Suggest organizations that are probably the same, with a score and the evidence, and plan merges.

Evidence, strongest first: the same registry number (NEQ or another id-like property); the
same website domain; names equal once case, accents, punctuation, articles and legal forms
(``inc.``, ``ltée``, ``coop``, ``coopérative de solidarité``, ``OBNL``, ``Limited``, ``CIC``,
...) are set aside; an acronym of the other name; fuzzy similarity (RapidFuzz). Names that
differ by a distinguishing word (``Laval`` / ``Longueuil``, ``1`` / ``2``) are kept apart, and
different cities or domains lower the score. Candidate pairs come from blocks (shared rare
name words, name prefixes, domains, registry numbers), so 15,000 organizations take seconds,
not the hours of comparing every pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any, Final
from urllib.parse import urlsplit

import pandas as pd
from rapidfuzz import fuzz

from maillage.ground.tables import organizations_frame, plain_value, ties_frame

#: Legal-form and organizational words, longest phrases first (already folded).
LEGAL_PHRASES: Final = tuple(
    sorted(
        {
            "cooperative de solidarite", "coop de solidarite", "cooperative de travail",
            "coop de travail", "cooperative de travailleurs", "cooperative de producteurs",
            "cooperative de consommateurs", "cooperative d habitation", "coop d habitation",
            "cooperative de travailleurs actionnaire", "cooperative de services",
            "organisme sans but lucratif", "organisme a but non lucratif",
            "association sans but lucratif", "community interest company",
            "community benefit society", "industrial and provident society",
            "workers co operative", "worker co operative", "workers cooperative",
            "worker cooperative", "workers coop", "workers co op", "co operative", "co op",
            "cooperatives", "coops", "cooperatif", "cooperatifs", "cooperative", "cooperativa",
            "sec", "s e c", "cooperatie", "genossenschaft", "coop",
            "incorporated", "incorporee", "inc", "ltee", "limitee", "ltd", "limited", "llp",
            "plc", "cic", "obnl", "osbl", "onbl", "enr", "senc", "sarl", "sas", "gmbh", "e v",
            "ev", "asbl", "vzw", "aisbl", "srl", "scrl", "scic", "scop", "eg", "corp",
            "corporation", "compagnie", "cie", "company", "co",
        },
        key=lambda phrase: (-len(phrase), phrase),
    )
)  # fmt: skip
#: Abbreviations of Québec social-economy name parts, expanded before comparing (folded).
ABBREVIATIONS: Final = {
    "cpe": "centre petite enfance",
    "cje": "carrefour jeunesse emploi",
    "cdc": "corporation developpement communautaire",
    "cdec": "corporation developpement economique communautaire",
    "st": "saint",
    "ste": "sainte",
    "mtl": "montreal",
    "qc": "quebec",
}
STOPWORDS: Final = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "au",
        "aux",
        "a",
        "en",
        "et",
        "pour",
        "par",
        "sur",
        "the",
        "of",
        "and",
        "for",
        "in",
        "at",
        "on",
        "&",
        "un",
        "une",
    ]
)
#: Words that add little when one name is the other plus them (``Groupe X`` vs ``X``).
GENERIC_WORDS: Final = frozenset(
    [
        "groupe",
        "group",
        "organisme",
        "organisation",
        "organization",
        "association",
        "societe",
        "society",
        "centre",
        "center",
        "fondation",
        "foundation",
        "regroupement",
        "corporation",
        "collectif",
        "collective",
        "reseau",
        "network",
        "entreprise",
        "enterprise",
        "services",
        "service",
        "projet",
        "project",
    ]
)
#: Sites many organizations share: their domain is no evidence of identity.
SHARED_DOMAINS: Final = frozenset(
    [
        "facebook.com",
        "fb.com",
        "instagram.com",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "linktr.ee",
        "google.com",
        "sites.google.com",
        "wordpress.com",
        "blogspot.com",
        "wixsite.com",
        "youtube.com",
        "gmail.com",
        "canadahelps.org",
        "eventbrite.ca",
        "eventbrite.com",
    ]
)
#: Property names holding a registry number (compared after removing non-alphanumerics).
ID_PROPERTIES: Final = (
    "neq", "registered_number", "registered number", "companies house number",
    "charity_number", "siren", "siret",
)  # fmt: skip
#: Score at or above which a pair is suggested.
DEFAULT_THRESHOLD: Final = 0.85


def fold_name(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, ``&`` kept as a word.

    >>> fold_name("Coop  l'Éveil, Inc.")
    'coop l eveil inc'
    """
    text = text.replace("&", " & ").replace("œ", "oe").replace("Œ", "oe")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w&]+", " ", bare).replace("_", " ").split())


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """The core of a name: folded, legal forms and articles removed.

    >>> normalize_name("Coopérative de solidarité Le Chantier inc.")
    'chantier'
    >>> normalize_name("HARVEST WORKERS' CO-OP LTD") == normalize_name("Harvest Workers' Co-op")
    True
    >>> normalize_name("Inc.")  # nothing but a legal form: keep the folded name
    'inc'
    """
    folded = " ".join(ABBREVIATIONS.get(w, w) for w in fold_name(name).split())
    core = f" {folded} "
    for phrase in LEGAL_PHRASES:
        core = core.replace(f" {phrase} ", " ")
        core = core.replace(f" {phrase} ", " ")  # overlapping repeats ("coop coop")
    words = [w for w in core.split() if w not in STOPWORDS]
    return " ".join(words) or folded


def acronym(name: str) -> str:
    """Initials of a name's meaningful words (``RIPESS`` from its long name).

    >>> acronym("Réseau intercontinental de promotion de l'économie sociale et solidaire")
    'ripess'
    """
    words = [w for w in fold_name(name).split() if w not in STOPWORDS and w != "&"]
    return "".join(w[0] for w in words if w)


def website_domain(url: str) -> str | None:
    """The registered domain of a website (``chantier.qc.ca``, ``example.co.uk``), or None.

    >>> website_domain("https://www.Chantier.qc.ca/a-propos"), website_domain("magpie.coop")
    ('chantier.qc.ca', 'magpie.coop')
    >>> website_domain("http://www.facebook.com/profile.php?id=1") is None
    True
    """
    url = url.strip()
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    labels = [part for part in host.casefold().removeprefix("www.").split(".") if part]
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    domain = ".".join(labels[-keep:])
    if domain in SHARED_DOMAINS or ".".join(labels[-3:]) in SHARED_DOMAINS:
        return None
    return domain


@dataclass(frozen=True)
class Record:
    """What the scorer looks at for one organization."""

    id: str
    name: str
    city: str = ""
    website: str = ""
    registry: str = ""


def pair_score(a: Record, b: Record) -> tuple[float, list[str]]:
    """How likely two records are one organization (0–1), and why.

    >>> score, why = pair_score(Record("1", "Café l'Itinéraire inc.", "Montréal"),
    ...                         Record("2", "CAFE L'ITINERAIRE", "Montreal"))
    >>> round(score, 2), why
    (1.0, ['same name once normalized', 'same city'])
    >>> pair_score(Record("1", "Carrefour jeunesse-emploi Laval"),
    ...            Record("2", "Carrefour jeunesse-emploi Longueuil"))[0] < 0.85
    True
    """
    evidence: list[str] = []
    if a.registry and a.registry == b.registry:
        return 1.0, [f"same registry number {a.registry}"]
    city_words = set(normalize_name(a.city).split()) | set(normalize_name(b.city).split())
    best: tuple[float, list[str]] = (-1.0, [])
    for name_a in name_variants(a.name):
        for name_b in name_variants(b.name):
            found: list[str] = []
            value = _name_score(name_a, name_b, found, city_words)
            if value > best[0]:
                best = (value, found)
    score = best[0]
    evidence.extend(best[1])
    domain_a, domain_b = website_domain(a.website), website_domain(b.website)
    if domain_a and domain_b:
        if domain_a == domain_b:
            score = max(score, 0.95 if score >= 0.5 else 0.85)
            evidence.append(f"same website domain {domain_a}")
        else:
            score -= 0.15
            evidence.append(f"different websites ({domain_a}, {domain_b})")
    city_a, city_b = normalize_name(a.city), normalize_name(b.city)
    if city_a and city_b:
        if city_a == city_b:
            score += 0.05
            evidence.append("same city")
        else:
            score -= 0.2
            evidence.append(f"different cities ({a.city}, {b.city})")
    return max(0.0, min(1.0, score)), evidence


def name_variants(name: str) -> list[str]:
    """A name, the name without its parenthesized part, and that part (an alias or acronym).

    >>> name_variants("Renewable Energy Co-operative (R-ECO)")
    ['Renewable Energy Co-operative (R-ECO)', 'Renewable Energy Co-operative', 'R-ECO']
    """
    variants = [name]
    match = re.search(r"\(([^()]{2,})\)", name)
    if match:
        outside = (name[: match.start()] + name[match.end() :]).strip()
        variants += [v for v in (outside, match.group(1).strip()) if len(v) >= 2]
    return variants


def _compact(core: str) -> str:
    compact = core.replace(" ", "")
    for word in ("cooperative", "coop", "limited", "ltd", "inc"):
        if compact.endswith(word) and len(compact) > len(word) + 2:
            compact = compact[: -len(word)]
    return compact


def _name_score(name_a: str, name_b: str, evidence: list[str], city_words: set[str]) -> float:
    core_a, core_b = normalize_name(name_a), normalize_name(name_b)
    if not core_a or not core_b:
        return 0.0  # a name of punctuation only is no evidence
    if core_a == core_b or _compact(core_a) == _compact(core_b):
        evidence.append("same name once normalized")
        return 1.0
    words_a, words_b = set(core_a.split()), set(core_b.split())
    if (len(core_a) >= 3 and core_a == acronym(name_b)) or (
        len(core_b) >= 3 and core_b == acronym(name_a)
    ):
        evidence.append("one name is the other's acronym")
        return 0.9
    only_a, only_b = words_a - words_b, words_b - words_a
    similarity = max(fuzz.ratio(core_a, core_b), fuzz.token_sort_ratio(core_a, core_b)) / 100
    if only_a and only_b and not _all_close(only_a, only_b):
        # Each name has a word the other lacks and no spelling slip explains it.
        evidence.append(
            f"names differ by {', '.join(sorted(only_a))} / {', '.join(sorted(only_b))}"
        )
        return min(similarity, 0.6)
    if not only_a or not only_b:
        extra = only_a or only_b
        if extra <= GENERIC_WORDS | city_words:
            evidence.append(f"one name adds only {', '.join(sorted(extra))}")
            return max(similarity, 0.88)
        evidence.append(f"one name adds {', '.join(sorted(extra))}")
        return min(max(similarity, 0.7), 0.75)
    evidence.append(f"names {round(similarity * 100)}% alike")
    return similarity


def _all_close(only_a: set[str], only_b: set[str]) -> bool:
    """Every differing word of one side is a near spelling of one of the other side."""
    if any(w.isdigit() for w in only_a | only_b):
        return False
    small, large = sorted((only_a, only_b), key=len)
    return all(max(fuzz.ratio(w, v) for v in large) >= 75 and len(w) >= 4 for w in small)


def records(orgs: pd.DataFrame, *, id_properties: Sequence[str] = ID_PROPERTIES) -> list[Record]:
    """Scorer records from a store-shaped organizations frame (``properties`` dicts)."""
    wanted = {p.casefold() for p in id_properties}
    out = []
    for row in orgs.to_dict(orient="records"):
        properties = row.get("properties") or {}
        registry = next(
            (str(v) for k, v in properties.items() if str(k).casefold() in wanted and v), ""
        )
        out.append(
            Record(
                id=str(row["id"]),
                name=_text(row.get("name")),
                city=_text(row.get("city")),
                website=_text(row.get("website")),
                registry=re.sub(r"[^0-9A-Za-z]", "", registry).upper(),
            )
        )
    return out


def candidate_pairs(items: Sequence[Record], *, max_block: int = 60) -> set[tuple[int, int]]:
    """Index pairs worth scoring: sharing a rare name word, a name prefix, a domain or a number.

    Blocks bigger than ``max_block`` (a word like ``montreal`` in thousands of names) are
    skipped; the remaining keys still pair true duplicates.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        core = normalize_name(item.name)
        for word in set(core.split()):
            if len(word) >= 3 or word.isdigit():
                blocks[f"w:{word}"].append(index)
        compact = core.replace(" ", "")
        blocks[f"p:{compact[:6]}"].append(index)
        blocks[f"a:{acronym(item.name)}"].append(index)
        if len(compact) <= 8:
            blocks[f"a:{compact}"].append(index)
        domain = website_domain(item.website)
        if domain:
            blocks[f"d:{domain}"].append(index)
        if item.registry:
            blocks[f"r:{item.registry}"].append(index)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        limit = max_block * 20 if key[0] in "dr" else max_block
        if 1 < len(members) <= limit:
            pairs.update(combinations(sorted(set(members)), 2))
    return pairs


def suggest_duplicates(
    orgs: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    id_properties: Sequence[str] = ID_PROPERTIES,
) -> pd.DataFrame:
    """Likely duplicate pairs: ``left``, ``right``, ``score``, ``evidence``; best first.

    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Coop Le Chantier",
    ...     "Coopérative de solidarité Le Chantier", "Le Chaînon"], "city": ["Laval"] * 3})
    >>> suggest_duplicates(orgs)[["left", "right", "score"]].to_dict("records")
    [{'left': 'a', 'right': 'b', 'score': 1.0}]
    """
    items = records(orgs, id_properties=id_properties)
    rows = []
    for i, j in candidate_pairs(items):
        score, evidence = pair_score(items[i], items[j])
        if score >= threshold:
            left, right = sorted((items[i].id, items[j].id))
            rows.append(
                {"left": left, "right": right, "score": round(score, 3),
                 "evidence": "; ".join(evidence)}
            )  # fmt: skip
    found = pd.DataFrame(rows, columns=["left", "right", "score", "evidence"])
    return found.sort_values(
        ["score", "left", "right"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def merge_plan(
    orgs: pd.DataFrame, ties: pd.DataFrame, keep_id: str, drop_ids: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """What a store must write to merge ``drop_ids`` into ``keep_id``, as a pure function.

    Returns ``(orgs_to_upsert, ties_to_upsert, ids_to_delete)``. The kept organization
    fills its empty columns from the dropped ones (first non-empty, in ``drop_ids`` order),
    merges their properties (its own win) and tags, and records ``merged_from`` (the
    dropped ids, ``|``-separated, added to any earlier ones). Every tie of a dropped
    organization is re-pointed at the kept one; a tie that would join the kept
    organization to itself is dropped, and re-pointed ties that become the same tie
    (source, target, type, since) are combined into one whose ``properties`` name the
    ``merged_ties`` it came from. The store deletes ``ids_to_delete`` (and their old ties)
    and upserts the rest in one transaction. Inputs are never changed.
    """
    drop = [i for i in dict.fromkeys(drop_ids) if i != keep_id]
    by_id = {
        str(row["id"]): {str(k): v for k, v in row.items()}
        for row in orgs.to_dict(orient="records")
    }
    missing = [i for i in [keep_id, *drop] if i not in by_id]
    if missing:
        raise ValueError(f"unknown organization ids: {', '.join(missing)}")
    kept: dict[str, Any] = dict(by_id[keep_id])
    properties = dict(kept.get("properties") or {})
    tags = _split_tags(kept.get("tags"))
    for dropped_id in drop:
        dropped = by_id[dropped_id]
        for column, value in dropped.items():
            if column in ("id", "properties", "tags"):
                continue
            if _missing(kept.get(column)) and not _missing(value):
                kept[column] = value
        for key, value in (dropped.get("properties") or {}).items():
            properties.setdefault(key, value)
        tags += [t for t in _split_tags(dropped.get("tags")) if t not in tags]
    earlier = [m for m in str(properties.get("merged_from") or "").split("|") if m]
    properties["merged_from"] = "|".join(dict.fromkeys([*earlier, *drop]))
    kept["properties"] = properties
    kept["tags"] = "|".join(tags) if tags else None
    orgs_to_upsert = organizations_frame([kept])

    moved: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    touched = set(drop)
    for tie in ties.to_dict(orient="records"):
        if tie["source"] not in touched and tie["target"] not in touched:
            continue
        source = keep_id if tie["source"] in touched else tie["source"]
        target = keep_id if tie["target"] in touched else tie["target"]
        if source == target:
            continue
        since = plain_value(tie.get("since")) or ""
        key = (source, target, str(tie["type"]), since)
        original = f"{tie['source']}->{tie['target']}"
        if key in moved:
            combined = moved[key]
            combined["properties"]["merged_ties"] += f"|{original}"
            combined["weight"] = max(combined["weight"], tie.get("weight") or 1.0)
        else:
            repointed: dict[str, Any] = {str(k): v for k, v in tie.items()}
            repointed.update(source=source, target=target)
            repointed["properties"] = {**(tie.get("properties") or {}), "merged_ties": original}
            moved[key] = repointed
    existing = {
        (t["source"], t["target"], str(t["type"]), plain_value(t.get("since")) or "")
        for t in ties.to_dict(orient="records")
        if t["source"] not in touched and t["target"] not in touched
    }
    # A re-pointed tie equal to one the kept organization already has adds nothing.
    kept_ties = [tie for key, tie in moved.items() if key not in existing]
    ties_to_upsert = ties_frame(kept_ties)
    return orgs_to_upsert, ties_to_upsert, drop


def _split_tags(value: Any) -> list[str]:
    if _missing(value):
        return []
    return [t for t in str(value).split("|") if t]


def _missing(value: Any) -> bool:
    value = plain_value(value)
    return value is None or value == ""


def _text(value: Any) -> str:
    value = plain_value(value)
    return "" if value is None else str(value)


def evaluate(
    pairs: Iterable[tuple[Record, Record, int]], *, threshold: float = DEFAULT_THRESHOLD
) -> dict[str, float]:
    """Precision, recall and counts of :func:`pair_score` on labelled pairs (1 = same)."""
    tp = fp = fn = tn = 0
    for a, b, label in pairs:
        predicted = pair_score(a, b)[0] >= threshold
        tp += predicted and label == 1
        fp += predicted and label == 0
        fn += (not predicted) and label == 1
        tn += (not predicted) and label == 0
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def labelled_pairs(table: pd.DataFrame) -> list[tuple[Record, Record, int]]:
    """Labelled pairs from a table with ``name_a, city_a, website_a, name_b, ... label``."""
    table = table.fillna("")
    return [
        (
            Record("a", str(row["name_a"]), str(row["city_a"]), str(row["website_a"])),
            Record("b", str(row["name_b"]), str(row["city_b"]), str(row["website_b"])),
            int(row["label"]),
        )
        for row in table.to_dict(orient="records")
    ]


__all__ = [
    "Record",
    "acronym",
    "candidate_pairs",
    "evaluate",
    "labelled_pairs",
    "merge_plan",
    "normalize_name",
    "pair_score",
    "suggest_duplicates",
    "website_domain",
]
