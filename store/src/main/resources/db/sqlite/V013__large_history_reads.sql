-- Task list time window (since/until bound received_at, the list is ordered by started_at): when
-- the next rows of the list order do not fill the page, the page is read from the window's own
-- rows through this index (named by INDEXED BY), as on PostgreSQL.
CREATE INDEX ix_tasks_project_received ON tasks (project_id, received_at);
