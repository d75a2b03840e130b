"""The words of the product contract: organization types, tie types, visibilities, columns."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Final

ORGANIZATION_TYPES: Final = (
    "enterprise",
    "network",
    "community_group",
    "international_partner",
    "funder",
    "public_body",
    "research",
)

TIE_TYPES: Final = ("member_of", "partner", "funds", "supplies", "founded", "represents")

#: Tie types whose direction means something (source acts on target).
DIRECTED_TIE_TYPES: Final = frozenset({"member_of", "funds", "supplies", "founded", "represents"})

VISIBILITIES: Final = ("public", "members", "private")
AUDIENCES: Final = VISIBILITIES

#: Neo4j label for each organization type (the only labels queries may use).
ORGANIZATION_LABELS: Final = {
    "enterprise": "Enterprise",
    "network": "Network",
    "community_group": "CommunityGroup",
    "international_partner": "InternationalPartner",
    "funder": "Funder",
    "public_body": "PublicBody",
    "research": "Research",
}

#: Neo4j relationship type for each tie type.
TIE_RELATIONSHIPS: Final = {t: t.upper() for t in TIE_TYPES}

_ORGANIZATION_ALIASES: Final = {
    "entreprise": "enterprise",
    "reseau": "network",
    "groupe_communautaire": "community_group",
    "organisme_communautaire": "community_group",
    "partenaire_international": "international_partner",
    "financeur": "funder",
    "bailleur_de_fonds": "funder",
    "organisme_public": "public_body",
    "recherche": "research",
}

_TIE_ALIASES: Final = {
    "membre_de": "member_of",
    "partenaire": "partner",
    "finance": "funds",
    "fournit": "supplies",
    "a_fonde": "founded",
    "represente": "represents",
}

_VISIBILITY_ALIASES: Final = {
    "publique": "public",
    "public": "public",
    "membres": "members",
    "member": "members",
    "prive": "private",
    "privee": "private",
}

#: Canonical organization columns, in output order.
ORGANIZATION_COLUMNS: Final = (
    "id",
    "name",
    "type",
    "legal_form",
    "sector",
    "region",
    "city",
    "country",
    "lat",
    "lon",
    "website",
    "founded",
    "members",
    "employees",
    "tags",
    "visibility",
)

#: Canonical tie columns, in output order.
TIE_COLUMNS: Final = (
    "source",
    "target",
    "type",
    "weight",
    "since",
    "until",
    "visibility",
    "source_ref",
    "note",
)

#: French (and other accepted) header spellings, already folded by :func:`fold`.
HEADER_ALIASES: Final = {
    "identifiant": "id",
    "neq": "id",
    "nom": "name",
    "forme_juridique": "legal_form",
    "secteur": "sector",
    "region": "region",
    "ville": "city",
    "municipalite": "city",
    "pays": "country",
    "latitude": "lat",
    "longitude": "lon",
    "site_web": "website",
    "site_internet": "website",
    "fondation": "founded",
    "annee_de_fondation": "founded",
    "fonde_en": "founded",
    "membres": "members",
    "employes": "employees",
    "etiquettes": "tags",
    "mots_cles": "tags",
    "visibilite": "visibility",
    "source": "source",
    "cible": "target",
    "poids": "weight",
    "depuis": "since",
    "jusqu_a": "until",
    "jusqua": "until",
    "reference": "source_ref",
    "source_reference": "source_ref",
    "ref_source": "source_ref",
    "remarque": "note",
    "commentaire": "note",
}


@cache
def fold(word: str) -> str:
    """Fold a word for matching: lower case, no accents, spaces and dashes as ``_``.

    >>> fold("  Réseau ")
    'reseau'
    >>> fold("Jusqu'à")
    'jusqu_a'
    >>> fold("Groupe communautaire")
    'groupe_communautaire'
    """
    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    for separator in (" ", "-", "'", "\u2019"):
        bare = bare.replace(separator, "_")
    while "__" in bare:
        bare = bare.replace("__", "_")
    return bare.strip("_")


@cache
def organization_type(word: str) -> str | None:
    """The canonical organization type for an English or French word, or None.

    >>> organization_type("Réseau")
    'network'
    >>> organization_type("ENTERPRISE")
    'enterprise'
    >>> organization_type("bakery") is None
    True
    """
    folded = fold(word)
    if folded in ORGANIZATION_TYPES:
        return folded
    return _ORGANIZATION_ALIASES.get(folded)


@cache
def tie_type(word: str) -> str | None:
    """The canonical tie type for an English or French word, or None.

    >>> tie_type("Membre de")
    'member_of'
    >>> tie_type("représente")
    'represents'
    """
    folded = fold(word)
    if folded in TIE_TYPES:
        return folded
    return _TIE_ALIASES.get(folded)


@cache
def visibility(word: str) -> str | None:
    """The canonical visibility for an English or French word, or None.

    >>> visibility("Privé")
    'private'
    >>> visibility("members")
    'members'
    """
    folded = fold(word)
    if folded in VISIBILITIES:
        return folded
    return _VISIBILITY_ALIASES.get(folded)


def visible_levels(audience: str) -> tuple[str, ...]:
    """The visibilities an audience may see.

    >>> visible_levels("members")
    ('public', 'members')
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    return VISIBILITIES[: VISIBILITIES.index(audience) + 1]
