-- Reads over large histories (measured by bench/capacity.sh --only reads, docs/CAPACITY.md).
-- Task list time window (since/until bound received_at, the list is ordered by started_at): when
-- the next rows of the list order do not fill the page, the page is read from the window's own
-- rows through this index, so an old window costs its rows, not every row started after it.
-- Paid by every task insert and non-HOT update (cost measured in docs/OPERATOR-READS.md).
-- started_at and id ride along so the window's sort keys come from the index entries alone; the
-- page's rows are then fetched by those keys.
CREATE INDEX ix_tasks_project_received ON tasks (project_id, received_at) INCLUDE (started_at, id);

-- Home tasks_24h counts a day of the list index (200 000 entries for 5 million tasks over 30 days).
-- An expression index alone cannot answer it without reading each table row (PostgreSQL wants the
-- column itself for an index-only scan); with started_at carried in the entries it can (measured:
-- 330 ms for the table-row walk). Same keys, so the list and its keysets use it as before.
DROP INDEX ix_tasks_project_listed;
CREATE INDEX ix_tasks_project_listed
    ON tasks (project_id, (coalesce(started_at, '-infinity'::timestamptz)), id) INCLUDE (started_at);
-- Stats tasks_*_24h (by state) and trends (state, runtime) read a day of finished tasks: with both in
-- the entries they read no table rows either (measured: 255 ms with two parallel workers before).
DROP INDEX ix_tasks_project_finished;
CREATE INDEX ix_tasks_project_finished ON tasks (project_id, finished_at) INCLUDE (state, runtime_ms);
