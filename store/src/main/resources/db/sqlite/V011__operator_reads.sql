-- The operator API's reads (task list, detail, tree, timeline, workers, queues, stats, trends,
-- home, commands). Every index below names the query that walks it; see the PostgreSQL twin of
-- this file. tasks, workers and queues already have a row id and created_at here.

-- The receive days (days since 1970-01-01 UTC, as events.received_day) of the task's stored
-- events: the timeline reads only those days. NULL first day = a row older than this column.
ALTER TABLE tasks ADD COLUMN first_received_day INTEGER;
ALTER TABLE tasks ADD COLUMN last_received_day INTEGER;

-- Per engine worker, tasks it finished (task.succeeded, task.failed) and retried.
ALTER TABLE workers ADD COLUMN tasks_succeeded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN tasks_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN tasks_retried INTEGER NOT NULL DEFAULT 0;

-- Task list, newest started first (nulls last), keyset on (sort key, id). -9223372036854775808
-- (the smallest INTEGER) stands for "never started", as -infinity does on PostgreSQL.
CREATE INDEX ix_tasks_project_listed
    ON tasks (project_id, coalesce(started_at, -9223372036854775808), id);
-- The same list filtered by state; its (project_id, state) prefix also serves tasks_by_state.
DROP INDEX ix_tasks_project_state_started;
CREATE INDEX ix_tasks_project_state_listed
    ON tasks (project_id, state, coalesce(started_at, -9223372036854775808), id);
-- Name and queue filters are substring / exact filters on the list order: these never served them.
DROP INDEX ix_tasks_project_name;
DROP INDEX ix_tasks_project_queue;
-- Canvas tree: the tasks sharing a root. Partial: only canvas members pay for it.
CREATE INDEX ix_tasks_project_root ON tasks (project_id, root_task_id) WHERE root_task_id IS NOT NULL;
-- Home recent failures, newest first across projects. Partial: only failed tasks pay for it.
CREATE INDEX ix_tasks_failed ON tasks (finished_at, id) WHERE state = 'failure' AND finished_at IS NOT NULL;

-- Commands list, newest first, keyset on (issued_at, id).
DROP INDEX ix_commands_project_issued;
CREATE INDEX ix_commands_project_issued ON commands (project_id, issued_at, id);
-- Stats: commands completed / failed / timed out in the window.
CREATE INDEX ix_commands_project_finished ON commands (project_id, finished_at);
