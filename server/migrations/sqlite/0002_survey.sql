-- 满意度调查 (issue 5), staff accounts and the audit log. Answers are anonymous: no table that
-- holds them has an address, a user agent, a code or a time finer than a day, and nothing
-- links a response to the code or device that let it in.

-- A survey round of one circle. `population` is the service population the 3% sample is
-- counted against, fixed when the round opens; so is the questionnaire version.
CREATE TABLE survey_rounds (
    id                    INTEGER PRIMARY KEY,
    dataset               TEXT    NOT NULL,
    circle                TEXT    NOT NULL,
    population            INTEGER NOT NULL CHECK (population > 0),
    open_mode             INTEGER NOT NULL CHECK (open_mode IN (0, 1)),
    questionnaire_version INTEGER NOT NULL CHECK (questionnaire_version > 0),
    -- Days in the circle's time zone, 'YYYY-MM-DD'.
    opened_on             TEXT    NOT NULL,
    closed_on             TEXT
);
-- One open round per circle, enforced here so that two servers on one file cannot both open one.
CREATE UNIQUE INDEX survey_rounds_one_open ON survey_rounds (dataset, circle) WHERE closed_on IS NULL;
CREATE INDEX survey_rounds_circle ON survey_rounds (dataset, circle, id);

-- Single-use codes, hashed. No row order, no time and no reference to the response a code let
-- in: `used` only says that it did.
CREATE TABLE survey_codes (
    round     INTEGER NOT NULL REFERENCES survey_rounds (id),
    code_hash BLOB    NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    PRIMARY KEY (round, code_hash)
) WITHOUT ROWID;

-- Open-mode rounds: the hashed device tokens that have answered, one answer each.
CREATE TABLE survey_devices (
    round       INTEGER NOT NULL REFERENCES survey_rounds (id),
    device_hash BLOB    NOT NULL,
    PRIMARY KEY (round, device_hash)
) WITHOUT ROWID;

-- One resident's checked answers (JSON object: question id → answer). `client_id` is made by
-- the phone for this one answer, so a resend is recognised and never counted twice.
CREATE TABLE survey_responses (
    id                    INTEGER PRIMARY KEY,
    round                 INTEGER NOT NULL REFERENCES survey_rounds (id),
    client_id             TEXT    NOT NULL,
    day                   TEXT    NOT NULL
        CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    questionnaire_version INTEGER NOT NULL,
    answers               TEXT    NOT NULL CHECK (json_valid(answers)),
    UNIQUE (round, client_id)
);
-- The export reads a round's responses in order, a page at a time.
CREATE INDEX survey_responses_round ON survey_responses (round, id);

-- The indicators' counters (the domain's tally keys), raised in the transaction that stores
-- the response, so they are exact at any moment and read in one short range scan.
CREATE TABLE survey_counters (
    round    INTEGER NOT NULL REFERENCES survey_rounds (id),
    question TEXT    NOT NULL,
    option   TEXT    NOT NULL,
    band     TEXT    NOT NULL,
    n        INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (round, question, option, band)
) WITHOUT ROWID;

-- Staff (工作人员) who open rounds, print codes and download the data.
CREATE TABLE staff_accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- Argon2id in PHC string form (salt and parameters included).
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- NULL: added on the server's command line.
    created_by    INTEGER REFERENCES staff_accounts (id)
);

-- Logged-in staff: the SHA-256 of the cookie's token (the token itself is never stored), the
-- CSRF token every staff POST must echo, and the expiry (Unix seconds).
CREATE TABLE staff_sessions (
    token_hash BLOB    PRIMARY KEY,
    staff      INTEGER NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff);

-- Rate limits (open-mode submissions, logins): attempts per keyed hash of what is limited (a
-- client address, a username) in short buckets, deleted once too old to matter. Kept apart
-- from the answers and never joined with them.
CREATE TABLE rate_limits (
    key_hash     BLOB    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (key_hash, window_start)
) WITHOUT ROWID;
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);

-- Server-wide secrets shared by every server on this database (the rate limits' hash key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- What staff did: who, when (UTC), what, to what, and details as JSON.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- NULL: the server's command line.
    staff   INTEGER REFERENCES staff_accounts (id),
    -- The username at the time (or 'command line'), kept as written.
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    detail  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);
