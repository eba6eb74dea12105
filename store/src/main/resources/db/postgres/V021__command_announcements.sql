-- A new command is announced to every replica by PostgreSQL itself, at its insert's commit: the
-- brain that stored it no longer sends a NOTIFY of its own after the insert, one round trip fewer
-- between the operator's request and the agent's socket (each round trip waits for a core on a
-- busy machine: docs/TUNING.md). The channel and payload are what the replicas' registry reads:
-- 'command id|agent id' on z4j_commands. An insert that meets a taken idempotency key inserts no
-- row and announces nothing: the command it returns was announced when it was stored.
CREATE FUNCTION z4j_announce_command() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('z4j_commands', NEW.id::text || '|' || NEW.agent_id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER commands_announced AFTER INSERT ON commands
    FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION z4j_announce_command();
