-- 生活圈评价 (issue 8): what staff set and enter for a circle's grade, and the grades recorded
-- on evaluation dates. Everything computed (coverage, outlets, survey) is computed again on
-- each request from the live data; only the staff's own inputs and the snapshots are stored.

-- Per circle: the city tier (item 7's chain-share threshold) and the outlet census (网点总数,
-- item 9's "outlets on the map" share).
CREATE TABLE circle_settings (
    dataset        TEXT    NOT NULL,
    circle         TEXT    NOT NULL,
    city_tier      INTEGER NOT NULL DEFAULT 3 CHECK (city_tier BETWEEN 1 AND 3),
    census_outlets INTEGER CHECK (census_outlets IS NULL OR census_outlets BETWEEN 1 AND 1000000),
    PRIMARY KEY (dataset, circle)
) WITHOUT ROWID;

-- The latest staff entry per part ("item.part"), points in tenths. Earlier values are in the
-- audit log.
CREATE TABLE grade_entries (
    dataset  TEXT    NOT NULL,
    circle   TEXT    NOT NULL,
    part     TEXT    NOT NULL,
    points   INTEGER NOT NULL CHECK (points >= 0),
    note     TEXT    NOT NULL,
    evidence TEXT,
    staff    INTEGER REFERENCES staff_accounts (id),
    actor    TEXT    NOT NULL,
    at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (dataset, circle, part)
) WITHOUT ROWID;

-- A circle's grade as recorded on an evaluation date (the circle's own day), one per date: the
-- history that shows a circle's rise or fall (动态调整). `grade` is the whole computed grade.
CREATE TABLE grade_evaluations (
    id           INTEGER PRIMARY KEY,
    dataset      TEXT    NOT NULL,
    circle       TEXT    NOT NULL,
    evaluated_on TEXT    NOT NULL,
    facilities   INTEGER NOT NULL,
    service      INTEGER NOT NULL,
    type_code    TEXT,
    stars        INTEGER NOT NULL DEFAULT 0,
    grade        TEXT    NOT NULL CHECK (json_valid(grade)),
    staff        INTEGER REFERENCES staff_accounts (id),
    actor        TEXT    NOT NULL,
    UNIQUE (dataset, circle, evaluated_on)
);
