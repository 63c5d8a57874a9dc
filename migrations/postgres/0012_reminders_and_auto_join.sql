-- Invitations are reminded once, three days after they were sent. The reminder carries a link of
-- its own (only its SHA-256 is kept), so the first email's link keeps working beside it.
ALTER TABLE invitations ADD COLUMN reminded_at BIGINT;
ALTER TABLE invitations ADD COLUMN reminder_token_hash TEXT;
CREATE UNIQUE INDEX invitations_by_reminder_token ON invitations (reminder_token_hash);

-- People who verify an email at this domain may join the organization without an invitation.
ALTER TABLE organizations ADD COLUMN auto_join_domain TEXT;
CREATE INDEX organizations_by_auto_join_domain ON organizations (auto_join_domain);
