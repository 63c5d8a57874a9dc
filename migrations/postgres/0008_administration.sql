-- Administration, the audit log and OIDC sign-in.

-- Who did what, when. Rows are only ever inserted (a trigger refuses updates); the actor and
-- organization are kept as plain values, not foreign keys, so an event outlives the person or
-- the organization it names. `details` is a JSON object that never holds a secret or a token.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    actor_user_id TEXT,
    actor_email TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    organization_id TEXT,
    details TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_events_newest ON audit_events (created_at, id);
CREATE INDEX audit_events_by_org ON audit_events (organization_id, created_at, id);
CREATE FUNCTION audit_events_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are never updated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_are_never_updated BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_update();

-- Key/value settings of an organization (admin settings).
CREATE TABLE org_settings (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- OpenID Connect providers a self-hosted admin set up. The client secret is write-only through
-- the API. `key` names the provider in its sign-in URLs (`/api/auth/<key>`).
CREATE TABLE oidc_providers (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    issuer_url TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    scopes TEXT NOT NULL,
    auto_create_users BOOLEAN NOT NULL DEFAULT FALSE,
    default_role TEXT NOT NULL DEFAULT 'user' CHECK (default_role IN ('user', 'admin')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A person's account at an issuer (issuer + subject, as the verified ID token says), linked
-- once; it goes with the provider it was linked through.
CREATE TABLE user_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    provider_id TEXT NOT NULL REFERENCES oidc_providers(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_by_user ON user_identities (user_id);
CREATE INDEX user_identities_by_provider ON user_identities (provider_id);

-- Sign-ins under way at a provider: the state (hashed), the browser it was started in (hashed
-- binding cookie), the nonce and the PKCE verifier. Used once, then deleted.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    provider_id TEXT NOT NULL REFERENCES oidc_providers(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    redirect_to TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);

-- Go-link redirects per hour (for the instance statistics), written with the visit counts.
CREATE TABLE go_redirect_hours (
    hour BIGINT PRIMARY KEY,
    redirects BIGINT NOT NULL
);
