-- A project's tasks by state (the stats page), kept as the tasks change instead of counted. A
-- count reads every task of the project: for a 5-million-task history the table and its indexes
-- are 6 GiB, the count read them from disk for 9 to 17 s in the capacity run, and the ingest
-- writer's task merge waited on the same reads (docs/OPERATOR-READS.md).
--
-- Statement-level triggers with transition tables, not row-level ones: one grouped upsert of a
-- few rows per statement (an ingest batch's task merge is one statement), where a row trigger
-- would run a statement per task. The old and new rows are the versions the statement actually
-- changed (after waiting for any concurrent writer of the same task), so two replicas merging the
-- same task never count its old state twice; and every writer of tasks is covered: the ingest
-- merge, its fallback path, the operator's deletes, a TRUNCATE.
--
-- The count rows are upserted in key order, so two writers of one project queue on them instead
-- of deadlocking; a writer takes them at the end of its tasks statement and holds them only until
-- its commit.
CREATE TABLE task_state_counts (
    project_id uuid        NOT NULL,
    state      varchar(20) NOT NULL,
    tasks      bigint      NOT NULL,
    PRIMARY KEY (project_id, state)
);

CREATE FUNCTION z4j_count_task_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_state_counts AS k (project_id, state, tasks)
        SELECT project_id, state, count(*) FROM z4j_new_tasks
         GROUP BY project_id, state ORDER BY project_id, state
        ON CONFLICT (project_id, state) DO UPDATE SET tasks = k.tasks + EXCLUDED.tasks;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Most updates keep a task's state or move it along: only the states whose count changed.
        INSERT INTO task_state_counts AS k (project_id, state, tasks)
        SELECT project_id, state, sum(d) FROM (
                   SELECT project_id, state, 1 AS d FROM z4j_new_tasks
                   UNION ALL
                   SELECT project_id, state, -1 FROM z4j_old_tasks) changed
         GROUP BY project_id, state HAVING sum(d) <> 0 ORDER BY project_id, state
        ON CONFLICT (project_id, state) DO UPDATE SET tasks = k.tasks + EXCLUDED.tasks;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE task_state_counts k SET tasks = k.tasks - gone.n
          FROM (SELECT project_id, state, count(*) AS n FROM z4j_old_tasks
                 GROUP BY project_id, state ORDER BY project_id, state) gone
         WHERE k.project_id = gone.project_id AND k.state = gone.state;
    ELSE -- TRUNCATE
        DELETE FROM task_state_counts;
    END IF;
    RETURN NULL;
END $$;

-- A trigger with transition tables serves one event, hence one per event.
CREATE TRIGGER tasks_counted_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS z4j_new_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_states();
CREATE TRIGGER tasks_counted_on_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS z4j_old_tasks NEW TABLE AS z4j_new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_states();
CREATE TRIGGER tasks_counted_on_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS z4j_old_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_states();
CREATE TRIGGER tasks_counted_on_truncate AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_states();

-- The tasks already stored: creating the triggers locked tasks against writes until this
-- migration commits, so no write falls between this count and the first triggered one.
INSERT INTO task_state_counts (project_id, state, tasks)
SELECT project_id, state, count(*) FROM tasks GROUP BY project_id, state;
