-- Task list time window (since/until bound received_at, the list is ordered by started_at): each
-- whole UTC hour of a window of up to 48 hours is read as that hour's rows in list order, top
-- `limit`, instead of sorting every entry of the window in ix_tasks_project_received (a day of a
-- 5-million-task, 30-day history is 170,000 entries: 138 ms p50 for a one-day page,
-- docs/CAPACITY.md). The hours are merged (SqlOperatorReads.windowByHoursQuery); the part-hours at
-- the ends keep the V013 index. Hours, not days: a window is rarely aligned to UTC days (a day in
-- the operator's time zone), and a part-day would sort up to a day's entries.
CREATE INDEX ix_tasks_project_received_hour
    ON tasks (project_id, (date_trunc('hour', received_at AT TIME ZONE 'UTC')),
              (coalesce(started_at, '-infinity'::timestamptz)), id);
