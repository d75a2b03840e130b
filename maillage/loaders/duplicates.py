"""Suggest organizations that are probably the same, with a score and the evidence.

Evidence, strongest first: the same registry number (NEQ or another id-like property) —
and two *different* registry numbers mean two organizations, never proposed; names equal
once case, accents, punctuation, articles and legal forms (``inc.``, ``ltée``, ``coop``,
``coopérative de solidarité``, ``OBNL``, ``Limited``, ``CIC``, ...) are set aside; an
acronym of the other name; fuzzy similarity (RapidFuzz); the same website domain, which
counts in proportion to how rare it is (two Caisses on ``desjardins.com``, or CPEs on one
web host, share a domain and nothing else). Names that differ by a distinguishing word
(``Laval`` / ``Longueuil``, ``1`` / ``2``) are kept apart, and different cities or domains
lower the score. Candidate pairs come from blocks (shared rare name words, name prefixes,
domains, registry numbers), so 15,000 organizations take seconds, not the hours of
comparing every pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any, Final
from urllib.parse import urlsplit

import pandas as pd
from rapidfuzz import fuzz

from maillage.ground.tables import plain_value

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


#: How many organizations share a website domain; a domain not counted is taken as
#: one organization's own.
DomainCounts = Mapping[str, int]


def domain_counts(items: Iterable[Record]) -> Counter[str]:
    """How many of ``items`` use each website domain.

    >>> domain_counts([Record("1", "A", website="a.ca"), Record("2", "B", website="www.a.ca")])
    Counter({'a.ca': 2})
    """
    return Counter(d for d in (website_domain(r.website) for r in items) if d)


def pair_score(
    a: Record, b: Record, *, domains: DomainCounts | None = None
) -> tuple[float, list[str]]:
    """How likely two records are one organization (0–1), and why.

    ``domains`` counts the organizations using each website domain: a domain two
    organizations share counts fully, one ten share counts a fifth as much.

    >>> score, why = pair_score(Record("1", "Café l'Itinéraire inc.", "Montréal"),
    ...                         Record("2", "CAFE L'ITINERAIRE", "Montreal"))
    >>> round(score, 2), why
    (1.0, ['same name once normalized', 'same city'])
    >>> pair_score(Record("1", "Carrefour jeunesse-emploi Laval"),
    ...            Record("2", "Carrefour jeunesse-emploi Longueuil"))[0] < 0.85
    True
    >>> pair_score(Record("1", "Coop A", registry="1140000001"),
    ...            Record("2", "Coop A", registry="1140000002"))
    (0.0, ['different registry numbers (1140000001, 1140000002)'])
    """
    evidence: list[str] = []
    if a.registry and b.registry:
        if a.registry == b.registry:
            return 1.0, [f"same registry number {a.registry}"]
        return 0.0, [f"different registry numbers ({a.registry}, {b.registry})"]
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
            shared = max(2, (domains or {}).get(domain_a, 2))
            target = 0.95 if score >= 0.5 else 0.85
            score += max(0.0, target - score) * 2 / shared
            evidence.append(
                f"same website domain {domain_a}"
                + (f" (shared by {shared} organizations)" if shared > 2 else "")
            )
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
    """A name, the name without its parenthesized part, and that part (an alias or acronym);
    the part before a subtitle (`` - ``, `` – ``, ``:``) or a descriptive comma.

    >>> name_variants("Renewable Energy Co-operative (R-ECO)")
    ['Renewable Energy Co-operative (R-ECO)', 'Renewable Energy Co-operative', 'R-ECO']
    >>> name_variants("La Remise - Bibliothèque d'outils")
    ["La Remise - Bibliothèque d'outils", 'La Remise']
    >>> name_variants("Dynaco, coopérative agroalimentaire")
    ['Dynaco, coopérative agroalimentaire', 'Dynaco']
    """
    variants = [name]
    match = re.search(r"\(([^()]{2,})\)", name)
    if match:
        outside = (name[: match.start()] + name[match.end() :]).strip()
        variants += [v for v in (outside, match.group(1).strip()) if len(v) >= 2]
    head = re.split(r"\s+[-–—:]\s+|\s*,\s+", variants[-1] if match else name, maxsplit=1)[0]
    if head != name and len(normalize_name(head)) >= 3 and head not in variants:
        variants.append(head.strip())
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


#: The columns of a review table, in order (``decision`` is the steward's to fill).
REVIEW_COLUMNS: Final = (
    "decision", "keep", "score", "left", "right", "left_name", "right_name", "left_city",
    "right_city", "left_neq", "right_neq", "left_sources", "right_sources", "evidence",
)  # fmt: skip


def suggest_duplicates(
    orgs: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    id_properties: Sequence[str] = ID_PROPERTIES,
    rejected: Iterable[tuple[str, str]] = (),
    sources: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Likely duplicate pairs, best first, ready for review: both names, cities, NEQs and
    sources side by side (:data:`REVIEW_COLUMNS`; ``decision`` empty, ``keep`` the left
    id). Pairs in ``rejected`` (a steward said no) are never proposed again.

    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Coop Le Chantier",
    ...     "Coopérative de solidarité Le Chantier", "Le Chaînon"], "city": ["Laval"] * 3})
    >>> suggest_duplicates(orgs)[["left", "right", "score"]].to_dict("records")
    [{'left': 'a', 'right': 'b', 'score': 1.0}]
    >>> suggest_duplicates(orgs, rejected=[("b", "a")]).empty
    True
    """
    items = records(orgs, id_properties=id_properties)
    domains = domain_counts(items)
    refused = {tuple(sorted(pair)) for pair in rejected}
    by_id = {item.id: item for item in items}
    rows = []
    for i, j in candidate_pairs(items):
        left, right = sorted((items[i].id, items[j].id))
        if (left, right) in refused:
            continue
        score, evidence = pair_score(items[i], items[j], domains=domains)
        if score >= threshold:
            a, b = by_id[left], by_id[right]
            rows.append({
                "decision": "", "keep": left, "score": round(score, 3), "left": left,
                "right": right, "left_name": a.name, "right_name": b.name, "left_city": a.city,
                "right_city": b.city, "left_neq": a.registry, "right_neq": b.registry,
                "left_sources": (sources or {}).get(left, ""),
                "right_sources": (sources or {}).get(right, ""), "evidence": "; ".join(evidence),
            })  # fmt: skip
    found = pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))
    return found.sort_values(
        ["score", "left", "right"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def _text(value: Any) -> str:
    value = plain_value(value)
    return "" if value is None else str(value)


def evaluate(
    pairs: Iterable[tuple[Record, Record, int]], *, threshold: float = DEFAULT_THRESHOLD
) -> dict[str, float]:
    """Precision, recall and counts of :func:`pair_score` on labelled pairs (1 = same),
    website domains counted over the distinct records of the pairs."""
    pairs = list(pairs)
    distinct = {(r.name, r.city, r.website): r for a, b, _ in pairs for r in (a, b)}
    domains = domain_counts(distinct.values())
    tp = fp = fn = tn = 0
    for a, b, label in pairs:
        predicted = pair_score(a, b, domains=domains)[0] >= threshold
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
    """Labelled pairs from a table with ``name_a, city_a, website_a, name_b, ... label``
    (and ``registry_a``, ``registry_b``, NEQs or other registry numbers, when it has them)."""
    table = table.fillna("")
    return [
        (
            Record(
                "a",
                str(row["name_a"]),
                str(row["city_a"]),
                str(row["website_a"]),
                str(row.get("registry_a", "")),
            ),
            Record(
                "b",
                str(row["name_b"]),
                str(row["city_b"]),
                str(row["website_b"]),
                str(row.get("registry_b", "")),
            ),
            int(row["label"]),
        )
        for row in table.to_dict(orient="records")
    ]


__all__ = [
    "Record",
    "acronym",
    "candidate_pairs",
    "domain_counts",
    "evaluate",
    "labelled_pairs",
    "normalize_name",
    "pair_score",
    "suggest_duplicates",
    "website_domain",
]
