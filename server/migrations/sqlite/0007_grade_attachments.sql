-- Evidence attached to a staff entry of the grade (佐证材料): a PDF or a photo, stored by content
-- hash in the uploads folder (`{hash}.pdf`, or `{hash}.jpg` + `{hash}.thumb.jpg`), visible to
-- staff only. Attachments accumulate: a new entry for the part keeps the earlier files, which
-- an inspector may still want to see. `name` is the file name as uploaded, shown as text only.
CREATE TABLE grade_attachments (
    dataset TEXT    NOT NULL,
    circle  TEXT    NOT NULL,
    part    TEXT    NOT NULL,
    hash    TEXT    NOT NULL CHECK (length(hash) = 64),
    kind    TEXT    NOT NULL CHECK (kind IN ('pdf', 'image')),
    name    TEXT    NOT NULL,
    bytes   INTEGER NOT NULL CHECK (bytes > 0),
    staff   INTEGER REFERENCES staff_accounts (id),
    actor   TEXT    NOT NULL,
    at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (dataset, circle, part, hash)
) WITHOUT ROWID;

CREATE INDEX grade_attachments_by_hash ON grade_attachments (hash);
