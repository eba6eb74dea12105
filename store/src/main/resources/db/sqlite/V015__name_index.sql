-- Task list filtered by name (a substring): the names are read from this index one entry per name,
-- then each matching name's newest rows walked in list order and merged, as on PostgreSQL.
CREATE INDEX ix_tasks_project_name_listed
    ON tasks (project_id, name, coalesce(started_at, -9223372036854775808), id);
