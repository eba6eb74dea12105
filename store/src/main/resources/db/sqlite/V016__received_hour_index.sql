-- Task list time window: each whole UTC hour of a window of up to 48 hours is read as that hour's
-- rows in list order, top `limit`, instead of sorting every entry of the window; as on PostgreSQL.
-- The hour is received_at (epoch microseconds) divided by an hour's microseconds.
CREATE INDEX ix_tasks_project_received_hour
    ON tasks (project_id, received_at / 3600000000, coalesce(started_at, -9223372036854775808), id);
