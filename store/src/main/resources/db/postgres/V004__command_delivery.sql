-- At-least-once command delivery. A claimed command belongs to one socket (dispatched_to, an
-- opaque id of the socket's session) until the agent's command_ack (acked_at); if that socket
-- goes away before the ack, the command goes back to pending and follows the agent.
ALTER TABLE commands ADD COLUMN dispatched_to text;
ALTER TABLE commands ADD COLUMN acked_at timestamptz;
-- unackedForAgents: the periodic reconcile looks for dispatched commands whose socket is gone
CREATE INDEX ix_commands_agent_unacked ON commands (agent_id, dispatched_at)
    WHERE status = 'dispatched' AND acked_at IS NULL;
