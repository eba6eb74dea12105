-- The operator API's reads (task list, detail, tree, timeline, workers, queues, stats, trends,
-- home, commands). Every index below names the query that walks it; each one is paid for by the
-- task projection on every task write, so nothing else is indexed (queue, worker, name and
-- search filters walk the list order and filter, see docs/OPERATOR-READS.md).

-- The brain row id the API names tasks, workers and queues by (TaskPublic.id, bulk delete by
-- id, worker detail); created_at of workers and queues for their public shapes. tasks.id has no
-- index of its own: measured, a unique index on a random uuid cost about 8 % of task-write
-- throughput, and only bulk delete by id (admin, rare) looks rows up by it, walking the project's
-- list index, whose entries end with the id.
ALTER TABLE tasks ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE workers ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE workers ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE queues ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE queues ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- The receive days of the task's stored events (the partition key of events): the timeline
-- reads only those partitions. NULL first day = a row older than this column, whose events may
-- lie in any partition.
ALTER TABLE tasks ADD COLUMN first_received_day date;
ALTER TABLE tasks ADD COLUMN last_received_day date;

-- Per engine worker, tasks it finished (task.succeeded, task.failed) and retried, counted by the
-- worker projection from new events: the workers page without aggregating the events table.
ALTER TABLE workers ADD COLUMN tasks_succeeded bigint NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN tasks_failed bigint NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN tasks_retried bigint NOT NULL DEFAULT 0;

-- Task list, newest started first (nulls last), keyset on (sort key, id): the unfiltered list and
-- every filter but state. The sort key is an expression so the keyset is one row comparison.
CREATE INDEX ix_tasks_project_listed
    ON tasks (project_id, (coalesce(started_at, '-infinity'::timestamptz)), id);
-- The same list filtered by state; its (project_id, state) prefix also serves tasks_by_state.
-- Replaces (project_id, state, started_at), which could not serve the keyset.
DROP INDEX ix_tasks_project_state_started;
CREATE INDEX ix_tasks_project_state_listed
    ON tasks (project_id, state, (coalesce(started_at, '-infinity'::timestamptz)), id);
-- Canvas tree: the tasks sharing a root. Partial: only canvas members pay for it.
CREATE INDEX ix_tasks_project_root ON tasks (project_id, root_task_id) WHERE root_task_id IS NOT NULL;
-- Home recent failures, newest first across projects. Partial: only failed tasks pay for it.
CREATE INDEX ix_tasks_failed ON tasks (finished_at, id) WHERE state = 'failure' AND finished_at IS NOT NULL;

-- Commands list, newest first, keyset on (issued_at, id); replaces (project_id, issued_at DESC).
DROP INDEX ix_commands_project_issued;
CREATE INDEX ix_commands_project_issued ON commands (project_id, issued_at, id);
-- Stats: commands completed / failed / timed out in the window.
CREATE INDEX ix_commands_project_finished ON commands (project_id, finished_at);
