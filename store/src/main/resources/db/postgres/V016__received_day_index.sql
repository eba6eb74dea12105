-- Task list time window (since/until bound received_at, the list is ordered by started_at): a day
-- the window covers (at least half of it) is read as that day's rows in list order, top `limit`,
-- instead of sorting all of the day's entries of ix_tasks_project_received (a day of a 5-million-
-- task, 30-day history is 170,000 entries: 138 ms p50 for a one-day page, docs/CAPACITY.md). The
-- days are merged (SqlOperatorReads.windowByDaysQuery); a small part of a day keeps the V013 index.
CREATE INDEX ix_tasks_project_received_day
    ON tasks (project_id, ((received_at AT TIME ZONE 'UTC')::date),
              (coalesce(started_at, '-infinity'::timestamptz)), id);
