-- Outlets (网点) of every dataset this database serves. Lists are JSON arrays.
CREATE TABLE outlets (
    id            INTEGER PRIMARY KEY,
    dataset       TEXT    NOT NULL,
    name          TEXT,
    name_en       TEXT,
    category      TEXT    NOT NULL,
    repair_kinds  TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(repair_kinds)),
    services      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(services)),
    prices        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(prices)),
    opening_hours TEXT,
    phone         TEXT,
    address       TEXT,
    brand         TEXT,
    delivers      INTEGER CHECK (delivers IN (0, 1)),
    open_24h      INTEGER NOT NULL DEFAULT 0 CHECK (open_24h IN (0, 1)),
    source        TEXT    NOT NULL CHECK (source IN ('osm', 'sample', 'merchant')),
    osm_ref       TEXT,
    -- Residents see approved outlets only; merchant registrations start as pending.
    status        TEXT    NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'rejected')),
    lon           REAL    NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat           REAL    NOT NULL CHECK (lat BETWEEN -90 AND 90),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Re-importing the same OSM feature updates it instead of adding a twin.
CREATE UNIQUE INDEX outlets_osm_ref ON outlets (dataset, osm_ref) WHERE osm_ref IS NOT NULL;
CREATE INDEX outlets_dataset_category ON outlets (dataset, status, category);
CREATE INDEX outlets_dataset_position ON outlets (dataset, status, lon, lat);

-- What filled each dataset, so a restart does not import or generate twice.
CREATE TABLE dataset_loads (
    dataset   TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('osm', 'sample')),
    summary   TEXT NOT NULL,
    loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
