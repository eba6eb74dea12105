-- Operator commands and their lifecycle (docs/PROTOCOL.md 9.3). agent_id has no FK: deleting an agent
-- must neither be blocked by its commands nor erase their history, the project owns the rows.

CREATE TABLE commands (
    id              TEXT    NOT NULL PRIMARY KEY,
    project_id      TEXT    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    agent_id        TEXT    NOT NULL,
    action          TEXT    NOT NULL CHECK (length(action) <= 80),
    target          TEXT    NOT NULL CHECK (json_valid(target)),
    parameters      TEXT    NOT NULL CHECK (json_valid(parameters)),
    timeout_seconds INTEGER NOT NULL CHECK (timeout_seconds > 0),
    issued_by       TEXT    CHECK (length(issued_by) <= 64),
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'dispatched', 'completed', 'failed', 'timeout', 'cancelled')),
    issued_at       INTEGER NOT NULL,
    dispatched_at   INTEGER,
    finished_at     INTEGER,
    timeout_at      INTEGER NOT NULL,
    result          TEXT    CHECK (result IS NULL OR json_valid(result)),
    error           TEXT,
    idempotency_key TEXT,
    UNIQUE (project_id, idempotency_key)
);
-- pendingForAgent() and pendingForAgents(): drain on connect and reconcile.
CREATE INDEX ix_commands_agent_pending ON commands (agent_id, issued_at) WHERE status = 'pending';
-- list(): a project's commands, newest first.
CREATE INDEX ix_commands_project_issued ON commands (project_id, issued_at DESC);
-- expire(): the timeout sweeper scans only live rows past timeout_at.
CREATE INDEX ix_commands_live_timeout ON commands (timeout_at) WHERE status IN ('pending', 'dispatched');
