//! Reminds invitees whose invitation has waited three days (see
//! [`crate::app::invitation_reminders`]). Safe on several instances at once: each reminder is
//! claimed in the database by whoever sends it.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::email_links::Outbox;
use crate::app::invitation_reminders;
use crate::domain::Timestamp;
use crate::mail::Mailer;
use crate::store::Store;

/// What the job needs: where email goes, the origin its links start with, and how often to look.
#[derive(Clone, Debug)]
pub struct Reminders {
    pub mailer: Mailer,
    pub base_url: String,
    pub every: Duration,
}

pub async fn run(store: Store, job: Reminders, stopped: watch::Receiver<bool>) {
    let outbox = Outbox {
        mailer: &job.mailer,
        store: &store,
        base_url: job.base_url.clone(),
    };
    super::every(job.every, stopped, || async {
        match invitation_reminders::send_due(&store, &outbox, Timestamp::now().millis()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminders = n, "invitation reminders sent"),
            Err(e) => tracing::warn!(error = %e, "invitation reminders failed; will retry"),
        }
    })
    .await;
}
