-- The client's metadata on a prompt (a JSON object as text, at most 16 KiB, checked at the edge),
-- as sessions and jobs already keep theirs: a query or a job's submission gives it, its view shows it.
ALTER TABLE prompt ADD COLUMN metadata TEXT;
