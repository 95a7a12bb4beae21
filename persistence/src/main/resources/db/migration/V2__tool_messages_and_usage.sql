-- The agent runtime: a prompt's run may hold several assistant turns with tool calls and their
-- results, and counts tool use. Exactly one user message per prompt remains guaranteed.

ALTER TABLE message DROP CONSTRAINT message_prompt_role_uq;
CREATE UNIQUE INDEX message_prompt_user_uq ON message (prompt_id) WHERE role = 'user';
ALTER TABLE message ADD COLUMN tool_calls TEXT;
ALTER TABLE message ADD COLUMN tool_call_id VARCHAR(200);
ALTER TABLE message ADD COLUMN is_error BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE message DROP CONSTRAINT IF EXISTS message_role_ck;
ALTER TABLE message ADD CONSTRAINT message_role_ck CHECK (role IN ('user', 'assistant', 'tool'));

ALTER TABLE prompt ADD COLUMN model VARCHAR(200);
ALTER TABLE prompt ADD COLUMN tool_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE prompt ADD COLUMN tool_millis BIGINT NOT NULL DEFAULT 0;
ALTER TABLE prompt ADD COLUMN steps INTEGER NOT NULL DEFAULT 0;

ALTER TABLE agent_session ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agent_session ADD COLUMN tool_millis BIGINT NOT NULL DEFAULT 0;
CREATE INDEX prompt_owner_idx ON prompt (owner);
