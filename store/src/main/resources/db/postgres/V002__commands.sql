-- Operator commands and their lifecycle (docs/PROTOCOL.md 9.3). agent_id has no FK: deleting an agent
-- must neither be blocked by its commands nor erase their history; the project owns the rows.
CREATE TABLE commands (
    id              uuid PRIMARY KEY,                -- get, claim, finish
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    agent_id        uuid NOT NULL,
    action          varchar(80) NOT NULL,
    target          jsonb NOT NULL,
    parameters      jsonb NOT NULL,
    timeout_seconds integer NOT NULL CHECK (timeout_seconds > 0),
    issued_by       varchar(64),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'dispatched', 'completed', 'failed', 'timeout', 'cancelled')),
    issued_at       timestamptz NOT NULL,
    dispatched_at   timestamptz,
    finished_at     timestamptz,
    timeout_at      timestamptz NOT NULL,
    result          jsonb,
    error           text,
    idempotency_key text,
    UNIQUE (project_id, idempotency_key)             -- insert: an idempotency key returns the existing command
);
-- pendingForAgent / pendingForAgents: drain on connect and reconcile after a LISTEN gap
CREATE INDEX ix_commands_agent_pending ON commands (agent_id, issued_at) WHERE status = 'pending';
-- list: a project's commands, newest first
CREATE INDEX ix_commands_project_issued ON commands (project_id, issued_at DESC);
-- expire: the timeout sweeper scans only live rows past timeout_at
CREATE INDEX ix_commands_live_timeout ON commands (timeout_at) WHERE status IN ('pending', 'dispatched');
