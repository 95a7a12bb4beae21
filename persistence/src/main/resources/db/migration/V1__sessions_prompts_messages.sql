-- Sessions, their durable prompt queue and their message history.
-- The prompt table IS the per-session queue: JMS only wakes a worker; order and exclusivity
-- come from prompt.seq and the claim columns on agent_session (see dev.rafiki.prompt).

CREATE TABLE agent_session (
    id               UUID         PRIMARY KEY,
    owner            VARCHAR(255) NOT NULL,
    title            VARCHAR(500),
    model            VARCHAR(200) NOT NULL,
    metadata         TEXT,
    next_seq         BIGINT       NOT NULL DEFAULT 0,
    prompt_count     BIGINT       NOT NULL DEFAULT 0,
    message_count    BIGINT       NOT NULL DEFAULT 0,
    input_tokens     BIGINT       NOT NULL DEFAULT 0,
    output_tokens    BIGINT       NOT NULL DEFAULT 0,
    worker           VARCHAR(200),
    claim_expires_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL
);
CREATE INDEX agent_session_owner_idx ON agent_session (owner, created_at, id);

CREATE TABLE prompt (
    id              UUID         PRIMARY KEY,
    session_id      UUID         NOT NULL REFERENCES agent_session (id) ON DELETE CASCADE,
    seq             BIGINT       NOT NULL,
    owner           VARCHAR(255) NOT NULL,
    content         TEXT         NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    answer          TEXT,
    error_code      VARCHAR(64),
    error_message   TEXT,
    idempotency_key VARCHAR(255),
    request_hash    VARCHAR(64),
    attempts        INTEGER      NOT NULL DEFAULT 0,
    input_tokens    BIGINT       NOT NULL DEFAULT 0,
    output_tokens   BIGINT       NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ  NOT NULL,
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ,
    CONSTRAINT prompt_session_seq_uq UNIQUE (session_id, seq),
    CONSTRAINT prompt_idempotency_uq UNIQUE (owner, idempotency_key),
    CONSTRAINT prompt_status_ck CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX prompt_pending_idx ON prompt (session_id, seq) WHERE status IN ('queued', 'running');

CREATE TABLE message (
    id         BIGSERIAL    PRIMARY KEY,
    session_id UUID         NOT NULL REFERENCES agent_session (id) ON DELETE CASCADE,
    prompt_id  UUID         NOT NULL REFERENCES prompt (id) ON DELETE CASCADE,
    role       VARCHAR(16)  NOT NULL,
    content    TEXT         NOT NULL,
    partial    BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ  NOT NULL,
    CONSTRAINT message_prompt_role_uq UNIQUE (prompt_id, role)
);
CREATE INDEX message_session_idx ON message (session_id, id);
