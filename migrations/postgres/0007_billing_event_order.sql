-- The order key of the last Stripe event applied to an organization's plan (the event's own
-- `created` second, doubled, plus one for a deletion), so that a late event cannot undo a
-- newer one.
ALTER TABLE organizations ADD COLUMN billing_event_order BIGINT;
