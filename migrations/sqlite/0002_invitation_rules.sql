-- One pending invitation per address and organization, even when two invitations race.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (org_id, email) WHERE status = 'pending';
