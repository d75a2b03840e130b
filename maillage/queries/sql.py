"""The embedded store's SQL, as named statements with parameters only."""

from __future__ import annotations

from typing import Final

from maillage.ground.dates import ACTIVE_CONDITION

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    legal_form TEXT,
    sector TEXT,
    region TEXT,
    city TEXT,
    country TEXT,
    lat REAL,
    lon REAL,
    website TEXT,
    founded INTEGER,
    members INTEGER,
    employees INTEGER,
    tags TEXT,
    visibility TEXT NOT NULL,
    properties TEXT NOT NULL DEFAULT '{}',
    metrics TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ties (
    source TEXT NOT NULL REFERENCES organizations(id),
    target TEXT NOT NULL REFERENCES organizations(id),
    type TEXT NOT NULL,
    since_key TEXT NOT NULL,
    weight REAL NOT NULL,
    since TEXT,
    until TEXT,
    visibility TEXT NOT NULL,
    source_ref TEXT,
    note TEXT,
    properties TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (source, target, type, since_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ties_by_target ON ties(target);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""

UPSERT_ORGANIZATION: Final = """
INSERT INTO organizations (id, name, type, legal_form, sector, region, city, country, lat, lon,
                           website, founded, members, employees, tags, visibility, properties)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, type = excluded.type, legal_form = excluded.legal_form,
    sector = excluded.sector, region = excluded.region, city = excluded.city,
    country = excluded.country, lat = excluded.lat, lon = excluded.lon,
    website = excluded.website, founded = excluded.founded, members = excluded.members,
    employees = excluded.employees, tags = excluded.tags, visibility = excluded.visibility,
    properties = excluded.properties
"""

UPSERT_TIE: Final = """
INSERT INTO ties (source, target, type, since_key, weight, since, until, visibility,
                  source_ref, note, properties)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, target, type, since_key) DO UPDATE SET
    weight = excluded.weight, since = excluded.since, until = excluded.until,
    visibility = excluded.visibility, source_ref = excluded.source_ref, note = excluded.note,
    properties = excluded.properties
"""

SET_META: Final = (
    "INSERT INTO meta (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
GET_META: Final = "SELECT value FROM meta WHERE key = ?"

COUNT_ORGANIZATIONS_BY_TYPE: Final = (
    "SELECT type, count(*) FROM organizations GROUP BY type ORDER BY type"
)
COUNT_TIES_BY_TYPE: Final = "SELECT type, count(*) FROM ties GROUP BY type ORDER BY type"

#: Holds the ids a statement is restricted to (filled per call inside the transaction).
CREATE_ID_LIST: Final = "CREATE TEMP TABLE IF NOT EXISTS id_list (id TEXT PRIMARY KEY)"
CLEAR_ID_LIST: Final = "DELETE FROM id_list"
ADD_TO_ID_LIST: Final = "INSERT OR IGNORE INTO id_list (id) VALUES (?)"
EXISTING_IDS: Final = "SELECT o.id FROM organizations o JOIN id_list l ON l.id = o.id"

#: Which organizations a query sees (alias ``o``). Parameters: levels (JSON list), types and
#: regions (JSON lists or NULL).
_ORGANIZATION_SEEN = """
    {o}.visibility IN (SELECT value FROM json_each(:levels))
    AND (:types IS NULL OR {o}.type IN (SELECT value FROM json_each(:types)))
    AND (:regions IS NULL OR {o}.region IN (SELECT value FROM json_each(:regions)))
"""
#: Which ties a query sees by their own values (alias ``t``). Parameters as above plus
#: tie_types (JSON list or NULL) and as_of (ISO date or NULL).
_TIE_ITSELF_SEEN = """
    t.visibility IN (SELECT value FROM json_each(:levels))
    AND (:tie_types IS NULL OR t.type IN (SELECT value FROM json_each(:tie_types)))
    AND (:as_of IS NULL OR {active})
""".replace("{active}", ACTIVE_CONDITION.format(since="t.since", until="t.until", day=":as_of"))
#: Which ties a query sees, both ends included (aliases ``t``, ``s``, ``g``).
_TIE_SEEN = (
    _TIE_ITSELF_SEEN
    + "AND"
    + _ORGANIZATION_SEEN.format(o="s")
    + "AND"
    + _ORGANIZATION_SEEN.format(o="g")
)
_ORGANIZATION_COLUMNS = """
SELECT o.id, o.name, o.type, o.legal_form, o.sector, o.region, o.city, o.country, o.lat, o.lon,
       o.website, o.founded, o.members, o.employees, o.tags, o.visibility, o.properties
FROM organizations o
"""
_TIE_VALUES = """
SELECT t.source, t.target, t.type, t.weight, t.since, t.until, t.visibility, t.source_ref,
       t.note, t.properties, t.since_key
FROM ties t
"""
_TIE_COLUMNS = (
    _TIE_VALUES
    + """JOIN organizations s ON s.id = t.source
JOIN organizations g ON g.id = t.target
"""
)

#: Organizations an audience sees, optionally of some types and regions.
SELECT_ORGANIZATIONS: Final = (
    _ORGANIZATION_COLUMNS + "WHERE" + _ORGANIZATION_SEEN.format(o="o") + "ORDER BY o.id"
)
#: Ties an audience sees at a date: both ends seen too.
SELECT_TIES: Final = (
    _TIE_COLUMNS + "WHERE" + _TIE_SEEN + "ORDER BY t.source, t.target, t.type, t.since_key"
)

#: Seen organizations among the listed ids (an ego network's members).
SELECT_LISTED_ORGANIZATIONS: Final = (
    _ORGANIZATION_COLUMNS
    + "WHERE o.id IN (SELECT id FROM id_list) AND"
    + _ORGANIZATION_SEEN.format(o="o")
    + "ORDER BY o.id"
)
#: Ends of the seen ties touching a listed id (one hop out from an ego frontier).
SELECT_NEIGHBOUR_PAIRS: Final = (
    "SELECT t.source, t.target FROM ties t "
    "JOIN organizations s ON s.id = t.source JOIN organizations g ON g.id = t.target "
    "WHERE (t.source IN (SELECT id FROM id_list) OR t.target IN (SELECT id FROM id_list)) AND"
    + _TIE_SEEN
)
#: Seen ties whose both ends are listed (the ties within an ego network), the listed
#: organizations being seen ones: their own filters are not applied again (two lookups
#: and six tests per tie, half of an ego read around a hub).
SELECT_LISTED_TIES: Final = (
    _TIE_VALUES
    # "+t.target": walk each listed source's ties, rather than every (source, target) pair.
    + "WHERE t.source IN (SELECT id FROM id_list) AND +t.target IN (SELECT id FROM id_list) AND"
    + _TIE_ITSELF_SEEN
    + "ORDER BY t.source, t.target, t.type, t.since_key"
)

SET_METRICS: Final = "UPDATE organizations SET metrics = ? WHERE id = ?"
SELECT_METRICS: Final = "SELECT id, metrics FROM organizations WHERE metrics != '{}' ORDER BY id"

#: Removing organizations (a merge folds them into another) takes their ties with them.
DELETE_TIES_OF_LISTED: Final = """
DELETE FROM ties WHERE source IN (SELECT id FROM id_list) OR target IN (SELECT id FROM id_list)
"""
DELETE_LISTED_ORGANIZATIONS: Final = (
    "DELETE FROM organizations WHERE id IN (SELECT id FROM id_list)"
)
