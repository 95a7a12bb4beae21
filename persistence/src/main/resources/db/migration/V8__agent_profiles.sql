-- Agent profiles: named, versioned definitions of an agent (instructions, model, tools, limits).
-- A version is immutable once written: sessions and prompts pin (profile, version), and a node may
-- cache a version's definition for ever. Deleting a profile only hides it from new use.

CREATE TABLE agent_profile (
    id             UUID         PRIMARY KEY,
    owner          VARCHAR(255) NOT NULL,
    name           VARCHAR(100) NOT NULL,
    shared         BOOLEAN      NOT NULL DEFAULT false,
    latest_version INTEGER      NOT NULL,
    deleted_at     TIMESTAMPTZ,
    created_at     TIMESTAMPTZ  NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL
);
-- a name is unique per owner, and among shared profiles (a name then finds exactly one);
-- a deleted profile gives its name back
CREATE UNIQUE INDEX agent_profile_owner_name ON agent_profile (owner, name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX agent_profile_shared_name ON agent_profile (name) WHERE shared AND deleted_at IS NULL;
CREATE INDEX agent_profile_listing ON agent_profile (created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE agent_profile_version (
    profile_id  UUID         NOT NULL REFERENCES agent_profile (id),
    version     INTEGER      NOT NULL,
    -- the validated definition as canonical JSON (see dev.rafiki.profile.control.ProfileSpec)
    definition  TEXT         NOT NULL,
    created_by  VARCHAR(255) NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (profile_id, version)
);

ALTER TABLE agent_session ADD COLUMN agent_id UUID, ADD COLUMN agent_version INTEGER,
    ADD FOREIGN KEY (agent_id, agent_version) REFERENCES agent_profile_version (profile_id, version);
ALTER TABLE prompt ADD COLUMN agent_id UUID, ADD COLUMN agent_version INTEGER,
    ADD FOREIGN KEY (agent_id, agent_version) REFERENCES agent_profile_version (profile_id, version);
