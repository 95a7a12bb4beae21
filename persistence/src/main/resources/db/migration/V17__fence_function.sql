-- A fence that does not take aborts the transaction it runs in. Group commit sends a lone unit's
-- fences, its writes and its COMMIT to the server in one round trip, so a fence that changed no row
-- must stop that COMMIT itself; the writer then runs the unit again statement by statement, where the
-- fence refuses the unit instead (see GroupCommit). SQLSTATE RF001 is Rafiki's own.
CREATE OR REPLACE FUNCTION rafiki_fence(changed BIGINT) RETURNS INTEGER LANGUAGE plpgsql AS $$
BEGIN
    IF changed <> 1 THEN
        RAISE EXCEPTION 'rafiki: the fence changed % rows, not 1', changed USING ERRCODE = 'RF001';
    END IF;
    RETURN 1;
END
$$;
