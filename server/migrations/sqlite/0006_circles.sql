-- 生活圈 (issue 8, item 1): the circles of each dataset, kept in the database so staff can create
-- them and edit their boundary on the map. On start the dataset's own circles (circles.json)
-- are inserted only where absent (`circles::store::seed`): a staff edit survives a restart, and
-- a re-import of the dataset does not overwrite it. Every change is also in the audit log.
CREATE TABLE circles (
    dataset            TEXT    NOT NULL,
    -- Stable: the dataset's own id, or for a new circle a URL-safe slug of its English name (a
    -- short random id when the name gives none). Never changed by an edit.
    id                 TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    -- Order of the list (the dataset's file order first; its first circle gives the zone).
    seq                INTEGER NOT NULL,
    name_zh            TEXT    NOT NULL CHECK (length(name_zh) > 0),
    name_en            TEXT    NOT NULL CHECK (length(name_en) > 0),
    -- A GeoJSON Polygon (outer ring only), WGS-84.
    boundary           TEXT    NOT NULL CHECK (json_valid(boundary)),
    centre_lon         REAL    NOT NULL,
    centre_lat         REAL    NOT NULL,
    west               REAL    NOT NULL,
    south              REAL    NOT NULL,
    east               REAL    NOT NULL,
    north              REAL    NOT NULL,
    service_population INTEGER CHECK (service_population IS NULL OR service_population > 0),
    population_note    TEXT,
    timezone           TEXT    NOT NULL,
    created_by         TEXT    NOT NULL,
    created_staff      INTEGER REFERENCES staff_accounts (id),
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_by         TEXT    NOT NULL,
    updated_staff      INTEGER REFERENCES staff_accounts (id),
    updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Raised by every edit: an edit made against an older version is refused, not merged.
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (dataset, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX circles_order ON circles (dataset, seq);
