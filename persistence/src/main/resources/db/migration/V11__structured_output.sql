-- Structured output: the JSON Schema a prompt's request gave for its answer (a profile's own is
-- read from the profile version the prompt pins), and whether the stored answer is that schema's
-- validated JSON, so a view can show it parsed without looking the schema up.
ALTER TABLE prompt ADD COLUMN output_schema TEXT;
ALTER TABLE prompt ADD COLUMN structured BOOLEAN NOT NULL DEFAULT FALSE;
