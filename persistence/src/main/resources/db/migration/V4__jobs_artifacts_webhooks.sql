-- Background jobs. A job is a prompt with more to it: its id IS the prompt's id, so it runs on the
-- same durable, fenced, crash-resumed session queue; this table adds what only jobs have.

-- A prompt given a retry budget is started again after a retryable failure (model unavailable,
-- timeout, crash) until the budget is spent; NULL means the node-wide default for crash recovery
-- and no retry of failures (interactive prompts).
ALTER TABLE prompt ADD COLUMN max_attempts INTEGER;

CREATE TABLE job (
    id               UUID         PRIMARY KEY REFERENCES prompt (id) ON DELETE CASCADE,
    owner            VARCHAR(255) NOT NULL,
    session_id       UUID         NOT NULL REFERENCES agent_session (id) ON DELETE CASCADE,
    metadata         TEXT,
    webhook_url      TEXT,
    webhook_secret   VARCHAR(200),
    progress_percent INTEGER,
    progress_message TEXT,
    progress_at      TIMESTAMPTZ,
    dead_lettered_at TIMESTAMPTZ,
    idempotency_key  VARCHAR(255),
    request_hash     VARCHAR(64),
    created_at       TIMESTAMPTZ  NOT NULL,
    CONSTRAINT job_idempotency_uq UNIQUE (owner, idempotency_key),
    CONSTRAINT job_progress_ck CHECK (progress_percent BETWEEN 0 AND 100)
);
CREATE INDEX job_owner_idx ON job (owner, created_at, id);

-- Files a run saved. Written in the worker's fenced transactions; (prompt_id, name) is unique, so
-- a redelivered or resumed run replaces rather than duplicates, and each new attempt starts by
-- removing what an abandoned attempt left.
CREATE TABLE artifact (
    id           BIGSERIAL    PRIMARY KEY,
    prompt_id    UUID         NOT NULL REFERENCES prompt (id) ON DELETE CASCADE,
    owner        VARCHAR(255) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    content_type VARCHAR(200) NOT NULL,
    size         BIGINT       NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    content      BYTEA        NOT NULL,
    tool_call_id VARCHAR(200),
    event_seq    BIGINT,
    attempt      INTEGER      NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    CONSTRAINT artifact_prompt_name_uq UNIQUE (prompt_id, name)
);
CREATE INDEX artifact_created_idx ON artifact (created_at);

-- The webhook outbox: a row is written in the transaction that ends the job, so a committed end is
-- always announced; senders on any node take due rows with SKIP LOCKED.
CREATE TABLE webhook_delivery (
    id              BIGSERIAL    PRIMARY KEY,
    job_id          UUID         NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    message_id      VARCHAR(64)  NOT NULL UNIQUE,
    event_type      VARCHAR(64)  NOT NULL,
    payload         TEXT         NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ  NOT NULL,
    delivered_at    TIMESTAMPTZ,
    CONSTRAINT webhook_delivery_status_ck CHECK (status IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempt (
    id           BIGSERIAL    PRIMARY KEY,
    delivery_id  BIGINT       NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt      INTEGER      NOT NULL,
    started_at   TIMESTAMPTZ  NOT NULL,
    duration_ms  BIGINT       NOT NULL,
    status_code  INTEGER,
    error        TEXT
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, attempt);
