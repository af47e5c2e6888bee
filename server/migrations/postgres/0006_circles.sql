-- PostgreSQL twin of migrations/sqlite/0006_circles.sql.
CREATE TABLE circles (
    dataset            TEXT   NOT NULL,
    id                 TEXT   NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    seq                BIGINT NOT NULL,
    name_zh            TEXT   NOT NULL CHECK (length(name_zh) > 0),
    name_en            TEXT   NOT NULL CHECK (length(name_en) > 0),
    boundary           TEXT   NOT NULL CHECK (boundary::jsonb IS NOT NULL),
    centre_lon         DOUBLE PRECISION NOT NULL,
    centre_lat         DOUBLE PRECISION NOT NULL,
    west               DOUBLE PRECISION NOT NULL,
    south              DOUBLE PRECISION NOT NULL,
    east               DOUBLE PRECISION NOT NULL,
    north              DOUBLE PRECISION NOT NULL,
    service_population BIGINT CHECK (service_population IS NULL OR service_population > 0),
    population_note    TEXT,
    timezone           TEXT   NOT NULL,
    created_by         TEXT   NOT NULL,
    created_staff      BIGINT REFERENCES staff_accounts (id),
    created_at         TEXT   NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    updated_by         TEXT   NOT NULL,
    updated_staff      BIGINT REFERENCES staff_accounts (id),
    updated_at         TEXT   NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (dataset, id)
);
CREATE UNIQUE INDEX circles_order ON circles (dataset, seq);
