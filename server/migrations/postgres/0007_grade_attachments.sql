-- PostgreSQL twin of migrations/sqlite/0007_grade_attachments.sql.
CREATE TABLE grade_attachments (
    dataset TEXT   NOT NULL,
    circle  TEXT   NOT NULL,
    part    TEXT   NOT NULL,
    hash    TEXT   NOT NULL CHECK (length(hash) = 64),
    kind    TEXT   NOT NULL CHECK (kind IN ('pdf', 'image')),
    name    TEXT   NOT NULL,
    bytes   BIGINT NOT NULL CHECK (bytes > 0),
    staff   BIGINT REFERENCES staff_accounts (id),
    actor   TEXT   NOT NULL,
    at      TEXT   NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    PRIMARY KEY (dataset, circle, part, hash)
);
CREATE INDEX grade_attachments_by_hash ON grade_attachments (hash);
