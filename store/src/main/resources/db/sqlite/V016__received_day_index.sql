-- Task list time window: a day the window covers (at least half of it) is read as that day's rows
-- in list order, top `limit`, instead of sorting all of the day's entries; as on PostgreSQL. The day
-- is received_at (epoch microseconds) divided by a day's microseconds.
CREATE INDEX ix_tasks_project_received_day
    ON tasks (project_id, received_at / 86400000000, coalesce(started_at, -9223372036854775808), id);
