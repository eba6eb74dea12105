-- Task search (a substring of name, queue, worker or task id): names, queues and workers are few
-- per project and are read from their own indexes (SqlOperatorReads.searchPage); task ids are
-- not, and a substring cannot range over a B-tree. Without an index a search page walks the list
-- and tests every row until it has its page: under ingest, every newer task that does not match
-- (1,003 ms p99 for a page of a 5-million-task history at 8,000 ev/s, docs/CAPACITY.md).
--
-- task_search holds each task's id once, written when the task row is first inserted (the ingest
-- projection), never updated: a trigram index on tasks itself would be written again by every
-- non-HOT update of a task (each state change): measured at 1.5 to 1.9 times the task table's
-- write time, against 1.15 to 1.26 for this insert-only table (docs/OPERATOR-READS.md). No primary
-- key: the projection inserts a task id only when its row was new, and a read joins tasks anyway.
CREATE TABLE task_search (
    project_id uuid NOT NULL,
    engine     text NOT NULL,
    task_id    text NOT NULL
);
INSERT INTO task_search (project_id, engine, task_id) SELECT project_id, engine, task_id FROM tasks;

-- The trigram index itself is not a versioned step: it needs the pg_trgm extension, which may only
-- become available later, so every migration run creates it when it can (Migrator.TASK_SEARCH_INDEX).
