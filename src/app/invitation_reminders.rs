//! Reminding invitees: a pending invitation not yet answered three days after it was sent is
//! reminded once, by email, with a link of its own (the first email's link keeps working). Each
//! reminder is claimed by one conditional update, so instances that run this side by side send
//! it once between them.

use crate::app::email_links::Outbox;
use crate::app::invitations::TTL_SECS;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::security::{random_token, sha256_hex};
use crate::store::invitations::{self, DueReminder};
use crate::store::Store;

/// How long after it was sent (or sent again) an invitation is reminded.
pub const REMIND_AFTER_SECS: i64 = 3 * 24 * 3600;

/// At most this many reminders per round; the next round takes the rest.
const BATCH: i64 = 100;

/// Sends the reminders due at `now` (milliseconds); answers how many went out.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn send_due(store: &Store, outbox: &Outbox<'_>, now: i64) -> Result<usize> {
    // Sent at `expires_at - TTL`, so due once `expires_at <= now + TTL - REMIND_AFTER`.
    let expiring_by = now + (TTL_SECS - REMIND_AFTER_SECS) * 1000;
    let due = {
        let mut db = store.read().await?;
        invitations::due_reminders(&mut db.conn(), now, expiring_by, BATCH).await?
    };
    let mut sent = 0;
    for reminder in due {
        let token = random_token();
        let mut tx = store.begin().await?;
        let claimed =
            invitations::mark_reminded(&mut tx.conn(), &reminder.id, &sha256_hex(&token), now)
                .await?;
        // Reminders are part of no cached answer.
        tx.commit_quietly().await?;
        if !claimed {
            continue;
        }
        match send(outbox, &reminder, &token).await {
            Ok(()) => sent += 1,
            // Reminded once means once: a failed reminder is not retried, the invitation stands.
            Err(e) => tracing::warn!(error = %e, "invitation reminder email failed"),
        }
    }
    Ok(sent)
}

async fn send(outbox: &Outbox<'_>, r: &DueReminder, token: &str) -> Result<()> {
    let link = outbox.link("/invite", token);
    let inviter = r.inviter_name.as_deref().unwrap_or("Someone");
    let org = &r.org_name;
    let expires = Timestamp(r.expires_at).date();
    outbox
        .send(
            &r.email,
            format!("Reminder: {inviter} invited you to {org} on SlugBase"),
            format!(
                "{inviter} invited you to join the organization \"{org}\" on SlugBase a few days ago.\n\nAccept the invitation here:\n\n{link}\n\nThe invitation expires on {expires} (UTC). If you do not want to join, ignore this email; you will not be reminded again.\n"
            ),
        )
        .await
}
