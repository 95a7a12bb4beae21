-- The event log behind every stream. Each event has a per-session sequence number and a per-user
-- sequence number, both assigned under a row lock, so each is unique, strictly increasing and in
-- commit order: a reader that has seen number N has seen every committed event below N.

ALTER TABLE agent_session ADD COLUMN next_event_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE account (
    owner          VARCHAR(255) PRIMARY KEY,
    next_event_seq BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE event (
    id         BIGSERIAL    PRIMARY KEY,
    owner      VARCHAR(255) NOT NULL,
    session_id UUID         NOT NULL REFERENCES agent_session (id) ON DELETE CASCADE,
    seq        BIGINT       NOT NULL,
    user_seq   BIGINT       NOT NULL,
    prompt_id  UUID,
    type       VARCHAR(64)  NOT NULL,
    data       TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    CONSTRAINT event_session_seq_uq UNIQUE (session_id, seq),
    CONSTRAINT event_user_seq_uq UNIQUE (owner, user_seq)
);
