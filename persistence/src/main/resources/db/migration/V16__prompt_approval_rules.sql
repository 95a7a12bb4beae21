-- A request's own approval rules (a JSON object as text, validated at the edge), kept on its prompt so
-- that a prompt resumed after a restart, or on another node, still waits for what its request asked.
ALTER TABLE prompt ADD COLUMN approval TEXT;
