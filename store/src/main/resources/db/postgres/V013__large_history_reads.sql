-- Reads over large histories (measured by bench/capacity.sh --only reads, docs/CAPACITY.md).
-- Task list time window (since/until bound received_at, the list is ordered by started_at): when
-- the next rows of the list order do not fill the page, the page is read from the window's own
-- rows through this index, so an old window costs its rows, not every row started after it.
-- Paid by every task insert and non-HOT update (cost measured in docs/OPERATOR-READS.md).
CREATE INDEX ix_tasks_project_received ON tasks (project_id, received_at);
