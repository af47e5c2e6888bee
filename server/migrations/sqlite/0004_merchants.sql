-- 商户入驻 (issue 6): merchant listings and their staff reviews. The listed outlet itself is a
-- row of `outlets` (source 'merchant'); its `status` says whether residents see it.

-- One merchant's listing: the outlet it shows, the licence's credit code, the checked
-- registration the outlet was written from (JSON, the domain's `Registration`), the day it was
-- registered, and the SHA-256 of the private management token (the token itself is shown to
-- the merchant once and never stored).
CREATE TABLE merchant_listings (
    id           INTEGER PRIMARY KEY,
    dataset      TEXT    NOT NULL,
    outlet       INTEGER NOT NULL UNIQUE REFERENCES outlets (id),
    credit_code  TEXT    NOT NULL,
    registration TEXT    NOT NULL CHECK (json_valid(registration)),
    created_on   TEXT    NOT NULL
        CHECK (created_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    token_hash   BLOB    NOT NULL UNIQUE
);
CREATE INDEX merchant_listings_credit_code ON merchant_listings (dataset, credit_code);

-- What staff review: a new listing ('new'), or an owner's change of name, category, position
-- or credit code to an approved one ('change', the approved version stays on the map until
-- then). `registration` is the whole version proposed; `changes` lists the reviewed fields it
-- changes. A pending change the owner takes back is 'withdrawn'.
CREATE TABLE merchant_reviews (
    id           INTEGER PRIMARY KEY,
    listing      INTEGER NOT NULL REFERENCES merchant_listings (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('new', 'change')),
    registration TEXT    NOT NULL CHECK (json_valid(registration)),
    changes      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(changes)),
    status       TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    reason       TEXT,
    submitted_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    decided_at   TEXT,
    -- NULL while pending (and for the owner's withdrawal).
    decided_by   INTEGER REFERENCES staff_accounts (id),
    decided_actor TEXT,
    CHECK (status <> 'rejected' OR length(reason) > 0)
);
-- At most one review waits per listing: a further edit replaces the waiting proposal.
CREATE UNIQUE INDEX merchant_reviews_one_pending ON merchant_reviews (listing) WHERE status = 'pending';
CREATE INDEX merchant_reviews_status ON merchant_reviews (status, id);
