-- z4j brain schema, PostgreSQL. Every index names the query that needs it; nothing else is indexed
-- because each index is paid for on every ingested event.

CREATE TABLE projects (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,            -- projectBySlug
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    id                 uuid PRIMARY KEY,
    project_id         uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name               varchar(200) NOT NULL,
    token_hash         text NOT NULL UNIQUE,    -- agentByTokenHash on every agent connect
    revoked            boolean NOT NULL DEFAULT false,
    state              varchar(20) NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'offline', 'unknown')),
    protocol_version   varchar(20),
    framework_adapter  varchar(40),
    engine_adapters    jsonb NOT NULL DEFAULT '[]',
    scheduler_adapters jsonb NOT NULL DEFAULT '[]',
    capabilities       jsonb NOT NULL DEFAULT '{}',
    metadata           jsonb NOT NULL DEFAULT '{}',
    last_seen_at       timestamptz,
    last_connect_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name)                   -- agent names are unique per project; also serves "agents of a project"
);
-- markStaleOffline: online agents whose last_seen_at is older than the cutoff
CREATE INDEX ix_agents_online_seen ON agents (last_seen_at) WHERE state = 'online';

CREATE TABLE admin_keys (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    key_hash   text NOT NULL UNIQUE,            -- adminKeyByHash on every API request
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (agent, worker) connection slot; '' is the legacy single slot, so the UNIQUE
-- constraint really dedupes legacy reconnects (NULLs would be distinct).
CREATE TABLE agent_workers (
    agent_id        uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    worker_id       varchar(128) NOT NULL DEFAULT '',
    role            varchar(32),
    framework       varchar(40),
    pid             integer,
    started_at      timestamptz,
    state           varchar(20) NOT NULL DEFAULT 'online' CHECK (state IN ('online', 'offline')),
    last_seen_at    timestamptz,
    last_connect_at timestamptz,
    PRIMARY KEY (agent_id, worker_id)           -- workerConnected upsert, touch, "any worker online" probe
);
-- stats: workers online per project
CREATE INDEX ix_agent_workers_project_state ON agent_workers (project_id, state);
-- markStaleOffline: online workers whose last_seen_at is older than the cutoff
CREATE INDEX ix_agent_workers_online_seen ON agent_workers (last_seen_at) WHERE state = 'online';

CREATE TABLE tasks (
    project_id     uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    engine         varchar(40) NOT NULL,
    task_id        varchar(200) NOT NULL,
    name           varchar(500),
    queue          varchar(200),
    state          varchar(20) NOT NULL DEFAULT 'pending' CHECK (state IN
                       ('pending', 'received', 'started', 'success', 'failure', 'retry', 'revoked', 'rejected', 'unknown')),
    priority       varchar(20) NOT NULL DEFAULT 'normal' CHECK (priority IN ('critical', 'high', 'normal', 'low')),
    args           jsonb,
    kwargs         jsonb,
    result         jsonb,
    exception      text,
    traceback      text,
    retry_count    integer NOT NULL DEFAULT 0,
    eta            timestamptz,
    received_at    timestamptz,
    started_at     timestamptz,
    finished_at    timestamptz,
    runtime_ms     bigint,
    worker_name    varchar(200),
    parent_task_id varchar(200),
    root_task_id   varchar(200),
    tags           text[] NOT NULL DEFAULT '{}',
    metadata       jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, engine, task_id)   -- the projection upsert (ON CONFLICT) and task detail lookups
);
-- task list filtered by state, newest started first; stats tasks-by-state
CREATE INDEX ix_tasks_project_state_started ON tasks (project_id, state, started_at);
-- task list "recently finished" and any future task retention by age
CREATE INDEX ix_tasks_project_finished ON tasks (project_id, finished_at);

CREATE TABLE workers (
    project_id     uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    engine         varchar(40) NOT NULL,
    name           varchar(200) NOT NULL,
    hostname       varchar(255),
    pid            integer,
    concurrency    integer,
    queues         text[],
    state          varchar(20) NOT NULL DEFAULT 'unknown' CHECK (state IN ('online', 'offline', 'draining', 'unknown')),
    last_heartbeat timestamptz,
    load_average   jsonb,
    memory_bytes   bigint,
    active_tasks   integer NOT NULL DEFAULT 0,
    metadata       jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_id, engine, name)      -- the projection upsert (ON CONFLICT) and the workers page
);
-- markStaleOffline: online engine workers whose last heartbeat is older than the cutoff
CREATE INDEX ix_workers_online_heartbeat ON workers (last_heartbeat) WHERE state = 'online';

CREATE TABLE queues (
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    engine          varchar(40) NOT NULL,
    name            varchar(200) NOT NULL,
    broker_type     varchar(40),
    broker_url_hint text,
    last_seen_at    timestamptz,
    pending_count   integer,
    consumer_count  integer,
    metadata        jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_id, engine, name)      -- the projection upsert (ON CONFLICT) and the queues page
);

-- Partitioned by the brain's UTC receive day; the dedupe key must contain the partition key.
-- No foreign keys: retention and agent deletion must never be blocked by stored events.
CREATE TABLE events (
    project_id   uuid NOT NULL,
    id           uuid NOT NULL,
    agent_id     uuid NOT NULL,
    engine       varchar(40) NOT NULL,
    task_id      varchar(200) NOT NULL DEFAULT '',
    kind         varchar(80) NOT NULL,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    received_day date NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_id, id, received_day)  -- the writer's ON CONFLICT and its previous-day duplicate probe
) PARTITION BY RANGE (received_day);
-- a task's event history: WHERE project_id = ? AND task_id = ? ORDER BY occurred_at
CREATE INDEX ix_events_project_task ON events (project_id, task_id, occurred_at);

-- Catch-all for days without a dated partition; ensurePartitions moves rows out, retention prunes it.
CREATE TABLE events_default PARTITION OF events DEFAULT;
