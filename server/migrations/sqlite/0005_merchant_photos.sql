-- Merchant photos (issue 6): a listing's shop-front photo (public) and licence photo (staff
-- only). The files live in the uploads folder as `{hash}.jpg` and `{hash}.thumb.jpg`, named by
-- the SHA-256 of the re-encoded JPEG; a listing's current photo of a kind is its newest row
-- (older rows stay, so a replaced photo can still be traced).
CREATE TABLE merchant_photos (
    id          INTEGER PRIMARY KEY,
    listing     INTEGER NOT NULL REFERENCES merchant_listings (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('shopfront', 'licence')),
    hash        TEXT    NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    uploaded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX merchant_photos_listing ON merchant_photos (listing, kind, id);
CREATE INDEX merchant_photos_hash ON merchant_photos (hash, kind);
