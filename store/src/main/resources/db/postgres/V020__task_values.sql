-- A project's distinct task names, queues and workers, kept as tasks are written instead of read
-- from the tasks' indexes on every name page and search. Those pages match a substring, which no
-- index ranges over, so they first list the project's values and then read each matching value's
-- newest tasks; the list was a skip scan, one index descent per value (200 names: about 3 ms with
-- every page in shared buffers, more under ingest), where these rows are one range of a small
-- index (about 0.3 ms).
--
-- A superset: a value stays when its last task is deleted (the operator's deletes; retention
-- drops events, not tasks), and costs its page one index descent that finds nothing. A TRUNCATE
-- of tasks empties it. Written by statement-level triggers from the rows each tasks statement
-- inserted or updated (the ingest merge, its fallback, any other writer), in the statement's
-- transaction, so no committed task has a value missing here. Only values not yet kept are
-- inserted, in key order, so the usual batch writes nothing and two writers adding the same new
-- value queue on it instead of deadlocking.
CREATE TABLE task_values (
    project_id uuid         NOT NULL,
    kind       varchar(8)   NOT NULL, -- 'name', 'queue' or 'worker' (tasks.worker_name)
    value      varchar(500) NOT NULL,
    PRIMARY KEY (project_id, kind, value)
);

CREATE FUNCTION z4j_keep_task_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM task_values;
        RETURN NULL;
    END IF;
    INSERT INTO task_values (project_id, kind, value)
    SELECT DISTINCT v.project_id, v.kind, v.value FROM (
               SELECT project_id, 'name' AS kind, name AS value FROM z4j_new_tasks WHERE name IS NOT NULL
               UNION ALL
               SELECT project_id, 'queue', queue FROM z4j_new_tasks WHERE queue IS NOT NULL
               UNION ALL
               SELECT project_id, 'worker', worker_name FROM z4j_new_tasks WHERE worker_name IS NOT NULL) v
     WHERE NOT EXISTS (SELECT 1 FROM task_values k
                        WHERE k.project_id = v.project_id AND k.kind = v.kind AND k.value = v.value)
     ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_values_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS z4j_new_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_keep_task_values();
CREATE TRIGGER tasks_values_on_update AFTER UPDATE ON tasks
    REFERENCING NEW TABLE AS z4j_new_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_keep_task_values();
CREATE TRIGGER tasks_values_on_truncate AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION z4j_keep_task_values();

-- The values already stored, by skip scans of V014's and V015's indexes (one descent per value,
-- not a read of every task); the triggers above locked tasks against writes until this commits.
DO $$
DECLARE
    kept record;
BEGIN
    FOR kept IN SELECT * FROM (VALUES ('name', 'name'), ('queue', 'queue'), ('worker', 'worker_name')) k(kind, col)
    LOOP
        EXECUTE format($q$
            INSERT INTO task_values (project_id, kind, value)
            WITH RECURSIVE v(project_id, value) AS (
                (SELECT project_id, %1$I FROM tasks WHERE %1$I IS NOT NULL ORDER BY project_id, %1$I LIMIT 1)
                UNION ALL
                SELECT n.project_id, n.%1$I FROM v, LATERAL (
                    SELECT project_id, %1$I FROM tasks t
                     WHERE (t.project_id, t.%1$I) > (v.project_id, v.value) AND t.%1$I IS NOT NULL
                     ORDER BY project_id, %1$I LIMIT 1) n)
            SELECT project_id, %2$L, value FROM v$q$, kept.col, kept.kind);
    END LOOP;
END $$;
