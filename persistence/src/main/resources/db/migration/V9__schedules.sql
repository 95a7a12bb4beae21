-- Delayed jobs and schedules (issue 15). Depends only on V1–V6: it must apply with or without the
-- migrations other branches number V7 and V8 (SchemaMigrator accepts them out of order).

-- A delayed job is a job whose prompt waits as 'scheduled' until its run_at: it is not pending (no
-- worker takes it, the fast lane sees the session idle), and at run_at it joins its session's
-- queue with a new sequence number, as if submitted then.
ALTER TABLE prompt DROP CONSTRAINT prompt_status_ck;
ALTER TABLE prompt ADD CONSTRAINT prompt_status_ck
    CHECK (status IN ('scheduled', 'queued', 'running', 'completed', 'failed', 'cancelled'));
ALTER TABLE job ADD COLUMN run_at TIMESTAMPTZ;
-- counting a user's waiting delayed jobs (the per-user cap)
CREATE INDEX prompt_scheduled_idx ON prompt (owner) WHERE status = 'scheduled';
-- what every node's timer reads every second: only jobs not yet released (a release deletes the
-- row), so the poll reads the few due rows, however many delayed jobs ever ran
CREATE TABLE due_job (
    job_id UUID        PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    run_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX due_job_run_at_idx ON due_job (run_at);

-- A schedule: a cron expression in a time zone that creates a job at each tick.
-- next_fire_at is the next tick not yet handled; a node handles it by moving it on in the
-- transaction that creates the tick's job, with the row locked (SKIP LOCKED: another node passes).
CREATE TABLE schedule (
    id             UUID         PRIMARY KEY,
    owner          VARCHAR(255) NOT NULL,
    cron           VARCHAR(200) NOT NULL,
    timezone       VARCHAR(64)  NOT NULL,
    prompt         TEXT         NOT NULL,
    model          VARCHAR(200),
    -- a schedule bound to a session goes with it
    session_id     UUID         REFERENCES agent_session (id) ON DELETE CASCADE,
    webhook_url    TEXT,
    webhook_secret VARCHAR(200),
    metadata       TEXT,
    missed         VARCHAR(16)  NOT NULL,
    paused         BOOLEAN      NOT NULL DEFAULT FALSE,
    next_fire_at   TIMESTAMPTZ,
    last_fired_at  TIMESTAMPTZ,
    last_error     TEXT,
    created_at     TIMESTAMPTZ  NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL,
    CONSTRAINT schedule_missed_ck CHECK (missed IN ('skip', 'run_once'))
);
CREATE INDEX schedule_owner_idx ON schedule (owner, created_at, id);
CREATE INDEX schedule_due_idx ON schedule (next_fire_at) WHERE NOT paused;

-- One row per handled tick: the primary key makes a tick fire at most once, whichever node sees it.
CREATE TABLE schedule_run (
    schedule_id UUID        NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
    tick_at     TIMESTAMPTZ NOT NULL,
    job_id      UUID        NOT NULL UNIQUE REFERENCES job (id) ON DELETE CASCADE,
    -- how many ticks this run stands for: more than 1 when missed ticks were caught up (run_once)
    ticks       INTEGER     NOT NULL DEFAULT 1,
    -- the node whose timer handled the tick (operators' view of who fires)
    fired_by    VARCHAR(200),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (schedule_id, tick_at)
);
