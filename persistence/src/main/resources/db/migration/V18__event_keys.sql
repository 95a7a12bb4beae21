-- The event log keyed by what identifies an event, (session_id, seq), without a surrogate id and
-- without a foreign key to its session. Each job writes eight events in the group commit's batch
-- statement; the per-row foreign-key check and the id's sequence and index were about a sixth of
-- PostgreSQL's CPU per job (issue 12, session 22). Both writers of events (the group commit's batch
-- statement and EventLog.append) insert only for a session row they have just updated in the same
-- transaction, so the check never refused anything; deleting a session deletes its events itself
-- (Sessions.delete), after the session row, whose lock keeps writers out.
ALTER TABLE event DROP CONSTRAINT event_session_id_fkey;
ALTER TABLE event DROP CONSTRAINT event_pkey;
ALTER TABLE event DROP COLUMN id;
ALTER TABLE event DROP CONSTRAINT event_session_seq_uq, ADD CONSTRAINT event_pkey PRIMARY KEY (session_id, seq);
