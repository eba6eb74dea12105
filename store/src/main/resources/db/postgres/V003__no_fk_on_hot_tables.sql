-- tasks, workers and queues are written by every ingest batch. A foreign key fires a row-level
-- trigger (a lookup and a FOR KEY SHARE lock on projects) for every inserted row: measured as a
-- large share of the task projection. project_id comes from the authenticated connection, never
-- from agent data, so it always names an existing project; events already had no foreign key.
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_project_id_fkey;
ALTER TABLE workers DROP CONSTRAINT IF EXISTS workers_project_id_fkey;
ALTER TABLE queues DROP CONSTRAINT IF EXISTS queues_project_id_fkey;
