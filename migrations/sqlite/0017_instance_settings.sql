-- Settings of the whole instance that an instance admin makes in the web app, as the original
-- SlugBase keeps them: the SMTP server mail goes out through (`smtp_*`, before `SMTP_URL`) and
-- the AI provider for suggestions (`ai_*`).
CREATE TABLE instance_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The endpoints an admin may give instead of discovery's, as the original's provider form has
-- them; kept and shown back.
ALTER TABLE oidc_providers ADD COLUMN authorization_url TEXT;
ALTER TABLE oidc_providers ADD COLUMN token_url TEXT;
ALTER TABLE oidc_providers ADD COLUMN userinfo_url TEXT;
