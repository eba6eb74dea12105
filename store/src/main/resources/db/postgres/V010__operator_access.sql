-- Operators: users, sessions, project memberships, personal API keys, the setup token and the
-- audit log; projects gain the fields the operator API shows. Every index names its query.

ALTER TABLE projects
    ADD COLUMN description             text,
    ADD COLUMN environment             varchar(40) NOT NULL DEFAULT 'production',
    ADD COLUMN timezone                varchar(64) NOT NULL DEFAULT 'UTC',
    ADD COLUMN retention_days          integer NOT NULL DEFAULT 30 CHECK (retention_days BETWEEN 1 AND 3650),
    ADD COLUMN is_active               boolean NOT NULL DEFAULT true,
    ADD COLUMN default_scheduler_owner varchar(80) NOT NULL DEFAULT 'z4j-scheduler',
    ADD COLUMN allowed_schedulers      jsonb,
    ADD COLUMN updated_at              timestamptz NOT NULL DEFAULT now();

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               varchar(320) NOT NULL UNIQUE,   -- login: lookup by normalised email
    password_hash       text NOT NULL,
    first_name          varchar(200),
    last_name           varchar(200),
    display_name        varchar(200),
    is_admin            boolean NOT NULL DEFAULT false,
    is_active           boolean NOT NULL DEFAULT true,
    timezone            varchar(64) NOT NULL DEFAULT 'UTC',
    failed_login_count  integer NOT NULL DEFAULT 0,
    locked_until        timestamptz,
    password_changed_at timestamptz,
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- Only the HMAC of the cookie value is stored: a leaked table does not log anyone in.
CREATE TABLE sessions (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash          text NOT NULL UNIQUE,           -- every cookie request
    csrf_token          text NOT NULL,
    remember_me         boolean NOT NULL DEFAULT false,
    issued_at           timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    revoked_at          timestamptz,
    ip_at_issue         varchar(64),
    user_agent_at_issue varchar(500)
);
-- revoke-all on password change, the user's session list
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE memberships (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role       varchar(20) NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at timestamptz NOT NULL,
    UNIQUE (user_id, project_id)                        -- role lookup per request; a user's memberships
);
-- a project's member list and its admin count
CREATE INDEX ix_memberships_project ON memberships (project_id);

-- Personal API keys. user_id NULL = an installation key made before any user existed (the keys
-- the first start prints); the first admin adopts them.
CREATE TABLE api_keys (
    id             uuid PRIMARY KEY,
    user_id        uuid REFERENCES users (id) ON DELETE CASCADE,
    name           varchar(200) NOT NULL,
    prefix         varchar(16) NOT NULL,
    key_hash       text NOT NULL UNIQUE,                -- every Bearer request
    scopes         jsonb NOT NULL DEFAULT '[]',
    project_id     uuid REFERENCES projects (id) ON DELETE CASCADE,
    expires_at     timestamptz,
    revoked_at     timestamptz,
    revoked_reason varchar(200),
    last_used_at   timestamptz,
    last_used_ip   varchar(64),
    created_at     timestamptz NOT NULL
);
-- a user's key list
CREATE INDEX ix_api_keys_user ON api_keys (user_id, created_at);

CREATE TABLE setup_tokens (
    id          uuid PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,                   -- setup/complete
    expires_at  timestamptz NOT NULL,
    consumed_at timestamptz,
    created_at  timestamptz NOT NULL
);

-- No foreign keys: the history outlives the users, keys and projects it names.
CREATE TABLE audit_log (
    id          uuid PRIMARY KEY,
    project_id  uuid,
    user_id     uuid,
    api_key_id  uuid,
    action      varchar(120) NOT NULL,
    target_type varchar(60) NOT NULL,
    target_id   varchar(200),
    result      varchar(20) NOT NULL,
    outcome     varchar(20),
    event_id    uuid,
    metadata    jsonb NOT NULL DEFAULT '{}',
    source_ip   varchar(64),
    user_agent  varchar(500),
    occurred_at timestamptz NOT NULL
);
-- a project's audit page, newest first, cursor (occurred_at, id)
CREATE INDEX ix_audit_project_time ON audit_log (project_id, occurred_at DESC, id DESC);
-- the setup failure budget: recent failures of one action from one address
CREATE INDEX ix_audit_action_ip_time ON audit_log (action, source_ip, occurred_at);

-- The admin keys of earlier versions become admin:* keys (same hash; the prefix tells the salt).
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, created_at)
SELECT id, NULL, name, 'z4j_admi', key_hash, '["admin:*"]', created_at FROM admin_keys;
DROP TABLE admin_keys;
