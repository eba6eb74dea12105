-- Operators: users, sessions, project memberships, personal API keys, the setup token and the
-- audit log; projects gain the fields the operator API shows. Same conventions as V001.

ALTER TABLE projects ADD COLUMN description TEXT;
ALTER TABLE projects ADD COLUMN environment TEXT NOT NULL DEFAULT 'production' CHECK (length(environment) <= 40);
ALTER TABLE projects ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC' CHECK (length(timezone) <= 64);
ALTER TABLE projects ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30 CHECK (retention_days BETWEEN 1 AND 3650);
ALTER TABLE projects ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN default_scheduler_owner TEXT NOT NULL DEFAULT 'z4j-scheduler';
ALTER TABLE projects ADD COLUMN allowed_schedulers TEXT CHECK (allowed_schedulers IS NULL OR json_valid(allowed_schedulers));
-- NULL on rows made before this version: read as created_at.
ALTER TABLE projects ADD COLUMN updated_at INTEGER;

CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    email               TEXT    NOT NULL UNIQUE CHECK (length(email) <= 320),
    password_hash       TEXT    NOT NULL,
    first_name          TEXT    CHECK (length(first_name) <= 200),
    last_name           TEXT    CHECK (length(last_name) <= 200),
    display_name        TEXT    CHECK (length(display_name) <= 200),
    is_admin            INTEGER NOT NULL DEFAULT 0,
    is_active           INTEGER NOT NULL DEFAULT 1,
    timezone            TEXT    NOT NULL DEFAULT 'UTC' CHECK (length(timezone) <= 64),
    failed_login_count  INTEGER NOT NULL DEFAULT 0,
    locked_until        INTEGER,
    password_changed_at INTEGER,
    last_login_at       INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- Only the HMAC of the cookie value is stored: a leaked file does not log anyone in.
CREATE TABLE sessions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    user_id             TEXT    NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash          TEXT    NOT NULL UNIQUE,
    csrf_token          TEXT    NOT NULL,
    remember_me         INTEGER NOT NULL DEFAULT 0,
    issued_at           INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    revoked_at          INTEGER,
    ip_at_issue         TEXT    CHECK (length(ip_at_issue) <= 64),
    user_agent_at_issue TEXT    CHECK (length(user_agent_at_issue) <= 500)
);
-- Revoke-all on password change, the user's session list.
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE memberships (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, project_id)
);
-- A project's member list and its admin count.
CREATE INDEX ix_memberships_project ON memberships (project_id);

-- user_id NULL = an installation key made before any user existed; the first admin adopts it.
CREATE TABLE api_keys (
    id             TEXT    NOT NULL PRIMARY KEY,
    user_id        TEXT    REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT    NOT NULL CHECK (length(name) <= 200),
    prefix         TEXT    NOT NULL CHECK (length(prefix) <= 16),
    key_hash       TEXT    NOT NULL UNIQUE,
    scopes         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scopes)),
    project_id     TEXT    REFERENCES projects(id) ON DELETE CASCADE,
    expires_at     INTEGER,
    revoked_at     INTEGER,
    revoked_reason TEXT    CHECK (length(revoked_reason) <= 200),
    last_used_at   INTEGER,
    last_used_ip   TEXT    CHECK (length(last_used_ip) <= 64),
    created_at     INTEGER NOT NULL
);
-- A user's key list.
CREATE INDEX ix_api_keys_user ON api_keys (user_id, created_at);

CREATE TABLE setup_tokens (
    id          TEXT    NOT NULL PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  INTEGER NOT NULL,
    consumed_at INTEGER,
    created_at  INTEGER NOT NULL
);

-- No foreign keys: the history outlives the users, keys and projects it names.
CREATE TABLE audit_log (
    id          TEXT    NOT NULL PRIMARY KEY,
    project_id  TEXT,
    user_id     TEXT,
    api_key_id  TEXT,
    action      TEXT    NOT NULL CHECK (length(action) <= 120),
    target_type TEXT    NOT NULL CHECK (length(target_type) <= 60),
    target_id   TEXT    CHECK (length(target_id) <= 200),
    result      TEXT    NOT NULL CHECK (length(result) <= 20),
    outcome     TEXT    CHECK (length(outcome) <= 20),
    event_id    TEXT,
    metadata    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    source_ip   TEXT    CHECK (length(source_ip) <= 64),
    user_agent  TEXT    CHECK (length(user_agent) <= 500),
    occurred_at INTEGER NOT NULL
);
-- A project's audit page, newest first, cursor (occurred_at, id).
CREATE INDEX ix_audit_project_time ON audit_log (project_id, occurred_at DESC, id DESC);
-- The setup failure budget: recent failures of one action from one address.
CREATE INDEX ix_audit_action_ip_time ON audit_log (action, source_ip, occurred_at);

-- The admin keys of earlier versions become admin:* keys (same hash; the prefix tells the salt).
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, created_at)
SELECT id, NULL, name, 'z4j_admi', key_hash, '["admin:*"]', created_at FROM admin_keys;
DROP TABLE admin_keys;
