"""Murmurations organization profiles (``organizations_schema-v1.0.0``), in and out.

A profile is one organization: ``name``, ``primary_url``, ``geolocation`` ``{lat, lon}``,
``country_iso_3166``, ``tags``, ``description``, ``starts_at`` (Unix time) and
``relationships`` ``[{predicate_url, object_url}]``, the organization being the subject.
A relationship's object is named by its primary URL, so every profile needs one: the website
when it is unique, else ``<base_url><id>``. The schema leaves other keys open, so Maillage
adds ``unique_id`` (a field of the Murmurations library) and keeps what Murmurations has no
field for under ``maillage`` — on profiles and on relationships — so a round trip loses
nothing. Ties are written on their source's profile; ``member_of`` uses schema.org's
``memberOf``; the others use ``https://w3id.org/maillage/tie/<type>`` (a name, not yet a
registered vocabulary).

On input, a file is one profile, a list of profiles, or an index answer ``{"data": [...]}``.
A profile without ``maillage`` gets type ``enterprise`` (Murmurations' tags are free text);
a relationship whose object is in none of the profiles names the object by its URL, which
must then be an organization id already in the store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd

from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS, tie_type
from maillage.loaders.formats.common import (
    ORGANIZATIONS,
    TIES,
    Record,
    export_records,
    records_table,
)
from maillage.loaders.mapping import slug
from maillage.loaders.tables import RawTable, unreadable

SCHEMA = "organizations_schema-v1.0.0"
DEFAULT_BASE_URL = "https://maillage.invalid/organization/"
MEMBER_OF = "https://schema.org/memberOf"
TIE_VOCABULARY = "https://w3id.org/maillage/tie/"
DEFAULT_TYPE = "enterprise"


def predicate_url(kind: str) -> str:
    """The predicate URL of a tie type.

    >>> predicate_url("member_of"), predicate_url("funds")
    ('https://schema.org/memberOf', 'https://w3id.org/maillage/tie/funds')
    """
    return MEMBER_OF if kind == "member_of" else TIE_VOCABULARY + kind


def predicate_tie_type(url: str) -> str | None:
    """The tie type a predicate URL means (ours, schema.org's memberOf, or a tie word).

    >>> predicate_tie_type("https://schema.org/memberOf"), predicate_tie_type("x/partenaire")
    ('member_of', 'partner')
    """
    if url.rstrip("/") == MEMBER_OF.rstrip("/") or url.rstrip("/").endswith("/member"):
        return "member_of"
    last = url.rstrip("/").rsplit("/", 1)[-1]
    return tie_type(last)


def profiles(
    orgs: pd.DataFrame, ties: pd.DataFrame, *, base_url: str = DEFAULT_BASE_URL
) -> list[dict[str, Any]]:
    """One Murmurations profile per organization, ties as relationships of their source."""
    records = export_records(orgs, ORGANIZATION_COLUMNS)
    websites = pd.Series([r.get("website") for r in records], dtype=object)
    counts = websites.value_counts()
    url_of = {}
    for record in records:
        website = record.get("website")
        unique = website and counts.get(website, 0) == 1 and str(website).startswith("http")
        url_of[record["id"]] = website if unique else base_url + quote(str(record["id"]), safe="")
    relationships: dict[str, list[dict[str, Any]]] = {}
    for tie in export_records(ties, TIE_COLUMNS):
        source, target, kind = tie.pop("source"), tie.pop("target"), tie.pop("type")
        extra = {k: v for k, v in tie.items() if v is not None}
        relationship: dict[str, Any] = {
            "predicate_url": predicate_url(kind),
            "object_url": url_of.get(target, base_url + quote(str(target), safe="")),
        }
        if extra:
            relationship["maillage"] = extra
        relationships.setdefault(source, []).append(relationship)
    documents = []
    for record in records:
        identifier = record.pop("id")
        profile: dict[str, Any] = {
            "linked_schemas": [SCHEMA],
            "name": record.pop("name"),
            "primary_url": url_of[identifier],
            "unique_id": identifier,
        }
        country = record.pop("country")
        if country:
            profile["country_iso_3166"] = country
        lat, lon = record.pop("lat"), record.pop("lon")
        if lat is not None and lon is not None:
            profile["geolocation"] = {"lat": lat, "lon": lon}
        tags = record.pop("tags")
        if tags:
            profile["tags"] = tags.split("|")
        founded = record.get("founded")
        if founded is not None:
            profile["starts_at"] = int(dt.datetime(int(founded), 1, 1, tzinfo=dt.UTC).timestamp())
        description = record.get("description")
        if isinstance(description, str) and description:
            profile["description"] = description
        if identifier in relationships:
            profile["relationships"] = relationships[identifier]
        profile["maillage"] = {k: v for k, v in record.items() if v is not None}
        documents.append(profile)
    return documents


def write_murmurations(
    orgs: pd.DataFrame, ties: pd.DataFrame, path: Path, *, base_url: str = DEFAULT_BASE_URL
) -> Path:
    """A JSON list of Murmurations profiles."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = profiles(orgs, ties, base_url=base_url)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def profile_list(document: Any) -> list[Any] | None:
    """The profiles of a parsed JSON document, or None when it holds none."""
    if isinstance(document, Mapping) and isinstance(document.get("data"), list):
        document = document["data"]
    if isinstance(document, Mapping) and "linked_schemas" in document:
        return [document]
    if (
        isinstance(document, list)
        and document
        and all(isinstance(p, Mapping) and "linked_schemas" in p for p in document)
    ):
        return document
    return None


def murmurations_tables(
    documents: list[Any], *, label: str, base_url: str = DEFAULT_BASE_URL
) -> list[RawTable]:
    """Organizations and ties from profiles (LINE = position of the profile in the list + 1)."""
    if not all(isinstance(p, Mapping) for p in documents):
        return [unreadable(label, 1, "every profile must be a JSON object")]
    id_of_url: dict[str, str] = {}
    for profile in documents:
        url = str(profile.get("primary_url") or "")
        if url:
            id_of_url[_url_key(url)] = _profile_id(profile, base_url)
    orgs: list[Record] = []
    ties: list[Record] = []
    for number, profile in enumerate(documents, start=2):
        identifier = _profile_id(profile, base_url)
        kept = profile.get("maillage") if isinstance(profile.get("maillage"), Mapping) else {}
        record: dict[str, Any] = {"type": DEFAULT_TYPE, **kept}
        record.update(id=identifier, name=profile.get("name", ""))
        if profile.get("country_iso_3166"):
            record["country"] = profile["country_iso_3166"]
        location = profile.get("geolocation")
        if isinstance(location, Mapping):
            record["lat"], record["lon"] = location.get("lat"), location.get("lon")
        if profile.get("tags"):
            record["tags"] = profile["tags"]
        if "founded" not in record and isinstance(profile.get("starts_at"), int | float):
            record["founded"] = dt.datetime.fromtimestamp(profile["starts_at"], dt.UTC).year
        if profile.get("description") and "description" not in record:
            record["description"] = profile["description"]
        primary = str(profile.get("primary_url") or "")
        if primary and not primary.startswith(base_url) and "website" not in record:
            record["website"] = primary
        for key in ("nickname", "mission", "status", "full_address", "image"):
            if profile.get(key) and key not in record:
                record[key] = profile[key]
        orgs.append((number, record))
        for relationship in profile.get("relationships") or []:
            if not isinstance(relationship, Mapping):
                continue
            url = str(relationship.get("object_url", ""))
            target = id_of_url.get(_url_key(url)) or _id_from_url(url, base_url)
            tie: dict[str, Any] = dict(relationship.get("maillage") or {})
            kind = predicate_tie_type(str(relationship.get("predicate_url", "")))
            tie.update(
                source=identifier,
                target=target,
                type=kind or relationship.get("predicate_url", ""),
            )
            ties.append((number, tie))
    return [
        records_table(f"{label}[profiles]", ORGANIZATIONS, orgs),
        records_table(f"{label}[relationships]", TIES, ties),
    ]


def _profile_id(profile: Mapping[str, Any], base_url: str) -> str:
    if profile.get("unique_id"):
        return str(profile["unique_id"])
    return _id_from_url(str(profile.get("primary_url") or profile.get("name") or ""), base_url)


def _id_from_url(url: str, base_url: str) -> str:
    if url.startswith(base_url):
        return unquote(url[len(base_url) :])
    bare = url.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return slug(bare) or url


def _url_key(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/").casefold()
