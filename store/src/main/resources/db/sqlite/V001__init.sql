-- z4j brain schema for SQLite (the embedded default).
-- Conventions: UUIDs are TEXT in canonical lowercase form, timestamps are INTEGER epoch
-- microseconds (UTC), JSON is TEXT, booleans are INTEGER 0/1. Length CHECKs mirror the
-- PostgreSQL varchar caps so oversize data is refused the same way on both databases.

CREATE TABLE projects (
    id         TEXT    NOT NULL PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100),
    name       TEXT    NOT NULL CHECK (length(name) <= 200),
    created_at INTEGER NOT NULL
);

CREATE TABLE agents (
    id                 TEXT    NOT NULL PRIMARY KEY,
    project_id         TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name               TEXT    NOT NULL CHECK (length(name) <= 200),
    token_hash         TEXT    NOT NULL UNIQUE,
    revoked            INTEGER NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'offline', 'unknown')),
    protocol_version   TEXT    CHECK (length(protocol_version) <= 20),
    framework_adapter  TEXT    CHECK (length(framework_adapter) <= 40),
    engine_adapters    TEXT    NOT NULL DEFAULT '[]',
    scheduler_adapters TEXT    NOT NULL DEFAULT '[]',
    capabilities       TEXT    NOT NULL DEFAULT '{}',
    metadata           TEXT    NOT NULL DEFAULT '{}',
    last_seen_at       INTEGER,
    last_connect_at    INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (project_id, name)
);
-- stats(): agents online per project.
CREATE INDEX ix_agents_project_state ON agents (project_id, state);
-- markStaleOffline(): online agents whose last_seen_at is older than the cutoff.
CREATE INDEX ix_agents_last_seen ON agents (last_seen_at);

CREATE TABLE admin_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) <= 200),
    key_hash   TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- One row per (agent, worker) connection slot. worker_id '' is the legacy single slot, so the
-- UNIQUE constraint really dedupes it (NULLs would be distinct).
CREATE TABLE agent_workers (
    id                 TEXT    NOT NULL PRIMARY KEY,
    agent_id           TEXT    NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    project_id         TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    worker_id          TEXT    NOT NULL DEFAULT '' CHECK (length(worker_id) <= 128),
    role               TEXT    CHECK (length(role) <= 32),
    framework          TEXT    CHECK (length(framework) <= 40),
    pid                INTEGER,
    started_at         INTEGER,
    state              TEXT    NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'offline')),
    last_seen_at       INTEGER,
    last_connect_at    INTEGER,
    -- Lets a heartbeat flushed after the disconnect leave the worker offline.
    last_disconnect_at INTEGER,
    UNIQUE (agent_id, worker_id)
);
-- stats(): workers online per project.
CREATE INDEX ix_agent_workers_project_state ON agent_workers (project_id, state);
-- markStaleOffline(): online workers whose last_seen_at is older than the cutoff.
CREATE INDEX ix_agent_workers_last_seen ON agent_workers (last_seen_at);

CREATE TABLE tasks (
    id             TEXT    NOT NULL PRIMARY KEY,
    project_id     TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    engine         TEXT    NOT NULL CHECK (length(engine) BETWEEN 1 AND 40),
    task_id        TEXT    NOT NULL CHECK (length(task_id) BETWEEN 1 AND 200),
    name           TEXT    CHECK (length(name) <= 500),
    queue          TEXT    CHECK (length(queue) <= 200),
    state          TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
                       ('pending', 'received', 'started', 'success', 'failure', 'retry',
                        'revoked', 'rejected', 'unknown')),
    priority       TEXT    NOT NULL DEFAULT 'normal' CHECK (priority IN ('critical', 'high', 'normal', 'low')),
    args           TEXT,
    kwargs         TEXT,
    result         TEXT,
    exception      TEXT,
    traceback      TEXT,
    retry_count    INTEGER NOT NULL DEFAULT 0,
    eta            INTEGER,
    received_at    INTEGER,
    started_at     INTEGER,
    finished_at    INTEGER,
    runtime_ms     INTEGER,
    worker_name    TEXT    CHECK (length(worker_name) <= 200),
    parent_task_id TEXT    CHECK (length(parent_task_id) <= 200),
    root_task_id   TEXT    CHECK (length(root_task_id) <= 200),
    tags           TEXT    NOT NULL DEFAULT '[]',
    metadata       TEXT    NOT NULL DEFAULT '{}',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- The projection upsert key.
    UNIQUE (project_id, engine, task_id)
);
-- Task list filtered by state, newest started first; stats() tasks by state.
CREATE INDEX ix_tasks_project_state_started ON tasks (project_id, state, started_at);
-- Task search / filter by task name.
CREATE INDEX ix_tasks_project_name ON tasks (project_id, name);
-- Task list filtered by queue.
CREATE INDEX ix_tasks_project_queue ON tasks (project_id, queue);
-- Trends and 24 h failure counts, bucketed by finished_at.
CREATE INDEX ix_tasks_project_finished ON tasks (project_id, finished_at);

-- Engine-native workers (for example celery@host), derived from events and heartbeats.
CREATE TABLE workers (
    id             TEXT    NOT NULL PRIMARY KEY,
    project_id     TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    engine         TEXT    NOT NULL CHECK (length(engine) BETWEEN 1 AND 40),
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    hostname       TEXT    CHECK (length(hostname) <= 255),
    pid            INTEGER,
    concurrency    INTEGER,
    queues         TEXT    NOT NULL DEFAULT '[]',
    state          TEXT    NOT NULL DEFAULT 'unknown' CHECK (state IN ('online', 'offline', 'draining', 'unknown')),
    last_heartbeat INTEGER,
    load_average   TEXT,
    memory_bytes   INTEGER,
    active_tasks   INTEGER NOT NULL DEFAULT 0,
    metadata       TEXT    NOT NULL DEFAULT '{}',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- The projection upsert key.
    UNIQUE (project_id, engine, name)
);
-- Workers page filtered by state; markStaleOffline() sweeps online workers.
CREATE INDEX ix_workers_project_state ON workers (project_id, state);

CREATE TABLE queues (
    id              TEXT    NOT NULL PRIMARY KEY,
    project_id      TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    engine          TEXT    NOT NULL CHECK (length(engine) BETWEEN 1 AND 40),
    broker_type     TEXT    CHECK (length(broker_type) <= 40),
    broker_url_hint TEXT,
    last_seen_at    INTEGER,
    pending_count   INTEGER,
    consumer_count  INTEGER,
    metadata        TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- The projection upsert key; its project_id prefix also serves the queues page.
    UNIQUE (project_id, engine, name)
);

-- No partitions on SQLite: the primary key dedupes by (project_id, id) forever, so a resend
-- across midnight UTC is naturally a duplicate. agent_id has no foreign key on purpose: pruning
-- or deleting an agent must not be blocked by the events it sent (retention removes those).
CREATE TABLE events (
    project_id   TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    id           TEXT    NOT NULL,
    agent_id     TEXT    NOT NULL,
    engine       TEXT    NOT NULL CHECK (length(engine) BETWEEN 1 AND 40),
    task_id      TEXT    NOT NULL DEFAULT '' CHECK (length(task_id) <= 200),
    kind         TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 80),
    occurred_at  INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    -- UTC day number (days since 1970-01-01) of received_at: the PostgreSQL partition key.
    received_day INTEGER NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    PRIMARY KEY (project_id, id)
);
-- Task detail timeline: events of one task in time order.
CREATE INDEX ix_events_project_task ON events (project_id, task_id, occurred_at);
-- Retention: delete the oldest received rows in bounded chunks.
CREATE INDEX ix_events_received_at ON events (received_at);
