-- Budgets: an administrator's limit on the tokens and tool time a user, or an agent profile (all
-- prompts that run with it, whoever sends them), may spend per UTC day or month.

CREATE TABLE budget (
    scope            VARCHAR(8)   NOT NULL CHECK (scope IN ('user', 'agent')),
    -- the user's name, or the profile's id
    subject          VARCHAR(255) NOT NULL,
    time_window      VARCHAR(8)   NOT NULL CHECK (time_window IN ('day', 'month')),
    max_tokens       BIGINT       CHECK (max_tokens >= 0),
    max_tool_seconds BIGINT       CHECK (max_tool_seconds >= 0),
    updated_by       VARCHAR(255) NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (scope, subject),
    CHECK (max_tokens IS NOT NULL OR max_tool_seconds IS NOT NULL)
);

-- What was spent per UTC day, by every user and every profile whether it has a budget or not: a
-- budget set in the middle of a window counts what was spent before it. Written in the transaction
-- that records a prompt's usage; a month's usage is the sum of its days.
CREATE TABLE budget_usage (
    scope         VARCHAR(8)   NOT NULL,
    subject       VARCHAR(255) NOT NULL,
    day           DATE         NOT NULL,
    input_tokens  BIGINT       NOT NULL DEFAULT 0,
    output_tokens BIGINT       NOT NULL DEFAULT 0,
    tool_calls    BIGINT       NOT NULL DEFAULT 0,
    tool_millis   BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject, day)
);
