-- A fork: a session started from another one's history (and a copy of its workspace). Where it
-- came from is kept as it was: no foreign key, so deleting the source leaves the record intact.
ALTER TABLE agent_session ADD COLUMN forked_from_session UUID;
ALTER TABLE agent_session ADD COLUMN forked_from_message BIGINT;
