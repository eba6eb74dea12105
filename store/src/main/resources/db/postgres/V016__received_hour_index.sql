-- Task list time window (since/until bound received_at, the list is ordered by started_at): each
-- whole UTC hour of a window of up to 48 hours gives its rows in list order, merged with the other
-- hours' and stopped at `limit` (SqlOperatorReads.windowByHoursQuery), instead of sorting every
-- entry of the window in ix_tasks_project_received (a day of a 5-million-task, 30-day history is
-- 170,000 entries: 138 ms p50 for a one-day page, docs/CAPACITY.md); the part-hours at the ends
-- keep that index. Hours, not days: a window is rarely a UTC day (a day in the operator's time
-- zone), and a part-day would still sort up to a day's entries.
CREATE INDEX ix_tasks_project_received_hour
    ON tasks (project_id, (date_trunc('hour', received_at AT TIME ZONE 'UTC')),
              (coalesce(started_at, '-infinity'::timestamptz)), id);
