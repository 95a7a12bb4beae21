-- The W3C traceparent of the request that queued a prompt: the worker that runs it, on any node
-- and after any restart, traces the run in the same trace as that request.
ALTER TABLE prompt ADD COLUMN trace_parent varchar(55);
