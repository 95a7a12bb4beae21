-- Human approval of tool calls (issue 14). Depends only on V1–V11's prompt and message tables.

-- A prompt whose model asked for a tool that needs a person's decision waits as 'waiting_approval':
-- not pending (no worker takes it), but it holds its session (the session's claim is parked on it),
-- so the prompts behind it stay queued. Its conversation so far is in its messages.
ALTER TABLE prompt DROP CONSTRAINT prompt_status_ck;
ALTER TABLE prompt ADD CONSTRAINT prompt_status_ck
    CHECK (status IN ('scheduled', 'queued', 'running', 'waiting_approval', 'completed', 'failed', 'cancelled'));

-- One row per tool call that waited; the row's state is the truth every node decides on.
CREATE TABLE tool_approval (
    id                BIGSERIAL    PRIMARY KEY,
    prompt_id         UUID         NOT NULL REFERENCES prompt (id) ON DELETE CASCADE,
    session_id        UUID         NOT NULL REFERENCES agent_session (id) ON DELETE CASCADE,
    owner             VARCHAR(255) NOT NULL,
    -- the assistant turn that asked for the call: a resumed run finds its decisions by it
    message_id        BIGINT       NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    tool_call_id      VARCHAR(200) NOT NULL,
    tool              VARCHAR(200) NOT NULL,
    arguments         TEXT         NOT NULL,
    status            VARCHAR(16)  NOT NULL
        CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
    decided_arguments TEXT,
    reason            TEXT,
    decided_by        VARCHAR(255),
    requested_at      TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    decided_at        TIMESTAMPTZ,
    CONSTRAINT tool_approval_call_uq UNIQUE (message_id, tool_call_id)
);
CREATE INDEX tool_approval_prompt_idx ON tool_approval (prompt_id, id);
-- the expiry timer reads only what is pending and due
CREATE INDEX tool_approval_due_idx ON tool_approval (expires_at) WHERE status = 'pending';
