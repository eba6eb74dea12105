-- Task list filtered by name (a substring): the page is read name by name. The names a project's
-- tasks carry are read from this index one entry per name (a skip scan, a few hundred descents),
-- the matching ones picked, then each matching name's newest rows walked in list order and merged
-- (SqlOperatorReads.byNamesQuery). Without it a rare name walks every newer task of other names:
-- 97 ms p50 and 214 ms p99 over 5 million tasks while other tasks arrived (docs/CAPACITY.md).
CREATE INDEX ix_tasks_project_name_listed
    ON tasks (project_id, name, (coalesce(started_at, '-infinity'::timestamptz)), id);
