-- A stream that follows one prompt starts at that prompt's first event (QueryStreamSocket attach,
-- /query_stream after a durable-path acceptance): without this index that lookup read the whole table.
CREATE INDEX event_prompt_idx ON event (prompt_id, seq);
