"""The embedded store's SQL, as named statements with parameters only."""

from __future__ import annotations

from typing import Final

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

#: Organizations an audience sees, optionally of some types and regions.
#: Parameters: levels (JSON list), types (JSON list or NULL), regions (JSON list or NULL).
SELECT_ORGANIZATIONS: Final = """
SELECT id, name, type, legal_form, sector, region, city, country, lat, lon, website, founded,
       members, employees, tags, visibility, properties
FROM organizations
WHERE visibility IN (SELECT value FROM json_each(:levels))
  AND (:types IS NULL OR type IN (SELECT value FROM json_each(:types)))
  AND (:regions IS NULL OR region IN (SELECT value FROM json_each(:regions)))
ORDER BY id
"""

#: Ties an audience sees at a date, of some types (endpoints are filtered by the caller).
SELECT_TIES: Final = """
SELECT source, target, type, weight, since, until, visibility, source_ref, note, properties
FROM ties
WHERE visibility IN (SELECT value FROM json_each(:levels))
  AND (:tie_types IS NULL OR type IN (SELECT value FROM json_each(:tie_types)))
  AND (:as_of IS NULL OR ((since IS NULL OR since <= :as_of)
                          AND (until IS NULL OR until >= :as_of)))
ORDER BY source, target, type, since_key
"""

SET_METRICS: Final = "UPDATE organizations SET metrics = ? WHERE id = ?"
SELECT_METRICS: Final = "SELECT id, metrics FROM organizations WHERE metrics != '{}' ORDER BY id"

#: Removing organizations (a merge folds them into another) takes their ties with them.
DELETE_TIES_OF_LISTED: Final = """
DELETE FROM ties WHERE source IN (SELECT id FROM id_list) OR target IN (SELECT id FROM id_list)
"""
DELETE_LISTED_ORGANIZATIONS: Final = (
    "DELETE FROM organizations WHERE id IN (SELECT id FROM id_list)"
)
