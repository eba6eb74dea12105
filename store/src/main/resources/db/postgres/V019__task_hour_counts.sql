-- The stats and home pages' window counts (tasks started, succeeded and failed since a time, the
-- last 24 h by default) from counts kept per hour, as V018 keeps tasks by state. Counted, a
-- window is O(its tasks), and the last 24 h of a busy project are pages still being written: each
-- entry is checked in the heap, and in the capacity run the home page's recount of them waited on
-- writing out dirty shared buffers (docs/OPERATOR-READS.md). Kept, a window is the sum of its
-- whole hours here plus a count of the part-hour at its start (SqlOperatorReads): tasks of a day
-- ago, on pages no longer written.
--
-- A row per project, measure and UTC hour: 'started' by the hour of started_at (the home page's
-- tasks started: the list key coalesce(started_at, -infinity) >= since), 'success' and 'failure'
-- by the hour of finished_at (the stats page's finished, the home page's failed). Hours in UTC
-- wall time, so no session time zone moves a boundary.
CREATE TABLE task_hour_counts (
    project_id uuid        NOT NULL,
    measure    varchar(10) NOT NULL,
    hour       timestamp   NOT NULL,
    tasks      bigint      NOT NULL,
    PRIMARY KEY (project_id, measure, hour)
);

-- Same shape as z4j_count_task_states (V018): the rows a statement changed, old ones subtracted.
CREATE FUNCTION z4j_count_task_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_hour_counts AS k (project_id, measure, hour, tasks)
        SELECT project_id, measure, hour, count(*) FROM (
                   SELECT project_id, 'started' AS measure, date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour
                     FROM z4j_new_tasks WHERE started_at IS NOT NULL
                   UNION ALL
                   SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC')
                     FROM z4j_new_tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')) added
         GROUP BY project_id, measure, hour ORDER BY project_id, measure, hour
        ON CONFLICT (project_id, measure, hour) DO UPDATE SET tasks = k.tasks + EXCLUDED.tasks;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO task_hour_counts AS k (project_id, measure, hour, tasks)
        SELECT project_id, measure, hour, sum(d) FROM (
                   SELECT project_id, 'started' AS measure, date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour, 1 AS d
                     FROM z4j_new_tasks WHERE started_at IS NOT NULL
                   UNION ALL
                   SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC'), 1
                     FROM z4j_new_tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')
                   UNION ALL
                   SELECT project_id, 'started', date_trunc('hour', started_at AT TIME ZONE 'UTC'), -1
                     FROM z4j_old_tasks WHERE started_at IS NOT NULL
                   UNION ALL
                   SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC'), -1
                     FROM z4j_old_tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')) changed
         GROUP BY project_id, measure, hour HAVING sum(d) <> 0 ORDER BY project_id, measure, hour
        ON CONFLICT (project_id, measure, hour) DO UPDATE SET tasks = k.tasks + EXCLUDED.tasks;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE task_hour_counts k SET tasks = k.tasks - gone.n
          FROM (SELECT project_id, measure, hour, count(*) AS n FROM (
                    SELECT project_id, 'started' AS measure, date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour
                      FROM z4j_old_tasks WHERE started_at IS NOT NULL
                    UNION ALL
                    SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC')
                      FROM z4j_old_tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')) removed
                 GROUP BY project_id, measure, hour ORDER BY project_id, measure, hour) gone
         WHERE k.project_id = gone.project_id AND k.measure = gone.measure AND k.hour = gone.hour;
    ELSE -- TRUNCATE
        DELETE FROM task_hour_counts;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_hours_on_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS z4j_new_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_hours();
CREATE TRIGGER tasks_hours_on_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS z4j_old_tasks NEW TABLE AS z4j_new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_hours();
CREATE TRIGGER tasks_hours_on_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS z4j_old_tasks FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_hours();
CREATE TRIGGER tasks_hours_on_truncate AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION z4j_count_task_hours();

-- The tasks already stored (the triggers' lock on tasks holds until this migration commits).
INSERT INTO task_hour_counts (project_id, measure, hour, tasks)
SELECT project_id, measure, hour, count(*) FROM (
           SELECT project_id, 'started' AS measure, date_trunc('hour', started_at AT TIME ZONE 'UTC') AS hour
             FROM tasks WHERE started_at IS NOT NULL
           UNION ALL
           SELECT project_id, state, date_trunc('hour', finished_at AT TIME ZONE 'UTC')
             FROM tasks WHERE finished_at IS NOT NULL AND state IN ('success', 'failure')) stored
 GROUP BY project_id, measure, hour;
