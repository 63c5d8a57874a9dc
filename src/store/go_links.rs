//! The reads behind `/go/<slug>`: the bookmarks a person may open by a slug, with their saved
//! choice, in one query; and every forwarding slug of an organization, for the resolver's index.

use crate::error::Result;
use crate::store::access::bookmark_visible;
use crate::store::{args, Conn};

/// A bookmark `/go/<slug>` may open for the person.
#[derive(Debug, sqlx::FromRow)]
pub struct GoCandidate {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub url: String,
    pub owner_name: String,
    /// The person chose it with "always use this".
    pub preferred: bool,
}

/// The forwarding bookmarks with `slug` (any case) that `user_id` can see in `org_id`, their
/// own first, then oldest first; each says whether it is the person's saved choice.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn candidates(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    slug: &str,
) -> Result<Vec<GoCandidate>> {
    let sql = format!(
        "SELECT b.id, b.user_id, b.title, b.url, u.name AS owner_name, \
         COALESCE(b.id = p.bookmark_id, FALSE) AS preferred \
         FROM bookmarks b JOIN users u ON u.id = b.user_id \
         LEFT JOIN go_preferences p ON p.org_id = $1 AND p.user_id = $2 AND p.slug_lower = lower($3) \
         WHERE b.org_id = $1 AND b.slug IS NOT NULL AND lower(b.slug) = lower($3) \
         AND b.forwarding_enabled AND {} \
         ORDER BY (b.user_id <> $2), b.created_at, b.id",
        bookmark_visible("b", "$1", "$2")
    );
    c.fetch_all(&sql, args![org_id, user_id, slug]).await
}

/// One forwarding bookmark of an organization: what the index needs to answer without a query.
#[derive(Debug, sqlx::FromRow)]
pub struct ForwardingSlug {
    pub slug_lower: String,
    pub id: String,
    pub user_id: String,
    pub url: String,
}

/// Every forwarding bookmark with a slug in `org_id`, at most `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forwarding_slugs(
    c: &mut Conn<'_>,
    org_id: &str,
    limit: i64,
) -> Result<Vec<ForwardingSlug>> {
    c.fetch_all(
        "SELECT lower(slug) AS slug_lower, id, user_id, url FROM bookmarks \
         WHERE org_id = $1 AND slug IS NOT NULL AND forwarding_enabled LIMIT $2",
        args![org_id, limit],
    )
    .await
}
