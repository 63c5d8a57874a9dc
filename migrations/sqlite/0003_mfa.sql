-- Multi-factor authentication: one TOTP secret per user and ten single-use backup codes.
-- A row with enabled_at NULL is an enrollment not yet confirmed; users.mfa_enabled mirrors
-- enabled_at IS NOT NULL and is updated in the same transaction. last_used_step is the RFC 6238
-- time step of the last code accepted, so a code cannot be used twice. Backup codes are stored
-- only as SHA-256 hex digests.

CREATE TABLE user_mfa (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    enabled_at BIGINT,
    last_used_step BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE mfa_backup_codes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
