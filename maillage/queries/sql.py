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
    metrics TEXT NOT NULL DEFAULT '{}',
    records TEXT NOT NULL DEFAULT '',
    digest INTEGER NOT NULL DEFAULT 0
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
    records TEXT NOT NULL DEFAULT '',
    digest INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, target, type, since_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ties_by_target ON ties(target);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crosswalk (
    space TEXT NOT NULL,
    key TEXT NOT NULL,
    organization TEXT NOT NULL,
    PRIMARY KEY (space, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS crosswalk_by_organization ON crosswalk(organization);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    priority INTEGER NOT NULL,
    first_loaded TEXT NOT NULL,
    last_loaded TEXT NOT NULL,
    files TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decisions (
    kind TEXT NOT NULL,
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, left_id, right_id)
) WITHOUT ROWID;
"""

#: Columns a store made before the ledger lacks (added, then filled by the migration).
LEDGER_COLUMNS: Final = (
    ("organizations", "records", "TEXT NOT NULL DEFAULT ''"),
    ("organizations", "digest", "INTEGER NOT NULL DEFAULT 0"),
    ("ties", "records", "TEXT NOT NULL DEFAULT ''"),
    ("ties", "digest", "INTEGER NOT NULL DEFAULT 0"),
)
TABLE_COLUMNS: Final = "SELECT name FROM pragma_table_info(?)"
UNMIGRATED_ORGANIZATIONS: Final = "SELECT count(*) FROM organizations WHERE records = ''"
SET_ORGANIZATION_LEDGER: Final = "UPDATE organizations SET records = ?, digest = ? WHERE id = ?"
SET_TIE_LEDGER: Final = """
UPDATE ties SET records = ?, digest = ?
WHERE source = ? AND target = ? AND type = ? AND since_key = ?
"""
ALL_DIGESTS: Final = """
SELECT digest FROM organizations UNION ALL SELECT digest FROM ties
"""

#: A resolved organization with its records and digest (the metrics written stay).
UPSERT_ORGANIZATION: Final = """
INSERT INTO organizations (id, name, type, legal_form, sector, region, city, country, lat, lon,
                           website, founded, members, employees, tags, visibility, properties,
                           records, digest)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, type = excluded.type, legal_form = excluded.legal_form,
    sector = excluded.sector, region = excluded.region, city = excluded.city,
    country = excluded.country, lat = excluded.lat, lon = excluded.lon,
    website = excluded.website, founded = excluded.founded, members = excluded.members,
    employees = excluded.employees, tags = excluded.tags, visibility = excluded.visibility,
    properties = excluded.properties, records = excluded.records, digest = excluded.digest
"""

#: A resolved tie with its records and digest.
UPSERT_TIE: Final = """
INSERT INTO ties (source, target, type, since_key, weight, since, until, visibility,
                  source_ref, note, properties, records, digest)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, target, type, since_key) DO UPDATE SET
    weight = excluded.weight, since = excluded.since, until = excluded.until,
    visibility = excluded.visibility, source_ref = excluded.source_ref, note = excluded.note,
    properties = excluded.properties, records = excluded.records, digest = excluded.digest
"""
DELETE_TIE: Final = (
    "DELETE FROM ties WHERE source = ? AND target = ? AND type = ? AND since_key = ?"
)
DELETE_ORGANIZATION: Final = "DELETE FROM organizations WHERE id = ?"

SET_KEY: Final = """
INSERT INTO crosswalk (space, key, organization) VALUES (?, ?, ?)
ON CONFLICT (space, key) DO UPDATE SET organization = excluded.organization
"""
DELETE_KEY: Final = "DELETE FROM crosswalk WHERE space = ? AND key = ?"
#: Holds the (space, key) pairs a look-up asks for.
CREATE_KEY_LIST: Final = (
    "CREATE TEMP TABLE IF NOT EXISTS key_list (space TEXT, key TEXT, PRIMARY KEY (space, key))"
)
CLEAR_KEY_LIST: Final = "DELETE FROM key_list"
ADD_TO_KEY_LIST: Final = "INSERT OR IGNORE INTO key_list (space, key) VALUES (?, ?)"
COUNT_KEYS: Final = "SELECT count(*) FROM crosswalk"
COUNT_ORGANIZATIONS: Final = "SELECT count(*) FROM organizations"
COUNT_TIES: Final = "SELECT count(*) FROM ties"
ALL_KEYS: Final = "SELECT space, key, organization FROM crosswalk"
ALL_IDS: Final = "SELECT id FROM organizations"
LISTED_KEYS: Final = """
SELECT c.space, c.key, c.organization FROM crosswalk c
JOIN key_list l ON l.space = c.space AND l.key = c.key
"""
#: Keys pointing at the listed ids, and every key of the spaces (a JSON list).
KEYS_TO_LISTED: Final = """
SELECT space, key, organization FROM crosswalk
WHERE organization IN (SELECT id FROM id_list)
   OR space IN (SELECT value FROM json_each(:spaces))
"""

SET_SOURCE: Final = """
INSERT INTO sources (name, priority, first_loaded, last_loaded, files) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET priority = excluded.priority,
    first_loaded = excluded.first_loaded, last_loaded = excluded.last_loaded,
    files = excluded.files
"""
DELETE_SOURCE: Final = "DELETE FROM sources WHERE name = ?"
SELECT_SOURCES: Final = (
    "SELECT name, priority, first_loaded, last_loaded, files FROM sources ORDER BY name"
)
ADD_DECISION: Final = """
INSERT INTO decisions (kind, left_id, right_id, at) VALUES (?, ?, ?, ?)
ON CONFLICT (kind, left_id, right_id) DO UPDATE SET at = excluded.at
"""
SELECT_DECISIONS: Final = (
    "SELECT kind, left_id, right_id, at FROM decisions ORDER BY at, kind, left_id, right_id"
)

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

#: Which organizations a query sees (alias ``o``). Parameter: levels (JSON list).
_ORGANIZATION_SEEN = """
    {o}.visibility IN (SELECT value FROM json_each(:levels))
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

#: Organizations an audience sees.
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

#: Organizations holding a record of a source: their records' text holds ``needle``, the
#: start of such a record as JSON writes it (``["<name>",``); the caller checks the records.
HOLDING_ORGANIZATIONS: Final = "SELECT id FROM organizations WHERE instr(records, :needle) > 0"
HOLDING_TIES: Final = (
    "SELECT source, target, type, since_key FROM ties WHERE instr(records, :needle) > 0"
)

#: Holds the tie identities a look-up asks for.
CREATE_TIE_LIST: Final = """
CREATE TEMP TABLE IF NOT EXISTS tie_list (
    source TEXT, target TEXT, type TEXT, since_key TEXT,
    PRIMARY KEY (source, target, type, since_key)
)
"""
CLEAR_TIE_LIST: Final = "DELETE FROM tie_list"
ADD_TO_TIE_LIST: Final = "INSERT OR IGNORE INTO tie_list VALUES (?, ?, ?, ?)"

#: The listed organizations' records and digests (every visibility).
LEDGER_LISTED_ORGANIZATIONS: Final = """
SELECT o.id, o.records, o.digest FROM organizations o
WHERE o.id IN (SELECT id FROM id_list) ORDER BY o.id
"""
_LEDGER_TIES: Final = (
    "SELECT t.source, t.target, t.type, t.since, t.records, t.digest FROM ties t\n"
)
#: The listed ties' records and digests.
LEDGER_LISTED_TIES: Final = (
    _LEDGER_TIES
    + """JOIN tie_list l ON l.source = t.source AND l.target = t.target AND l.type = t.type
    AND l.since_key = t.since_key
"""
)
#: Every tie touching a listed organization, with its records and digest.
LEDGER_TIES_OF_LISTED: Final = (
    _LEDGER_TIES
    + "WHERE t.source IN (SELECT id FROM id_list) OR t.target IN (SELECT id FROM id_list)"
)
#: Every tie with its records and digest.
LEDGER_ALL_TIES: Final = _LEDGER_TIES + "ORDER BY t.source, t.target, t.type, t.since_key"
#: Encoded records of the listed organizations, or of all (``:every``).
SELECT_RECORDS: Final = """
SELECT id, records FROM organizations
WHERE :every OR id IN (SELECT id FROM id_list) ORDER BY id
"""

SET_METRICS: Final = "UPDATE organizations SET metrics = ? WHERE id = ?"
SELECT_METRICS: Final = "SELECT id, metrics FROM organizations WHERE metrics != '{}' ORDER BY id"
