//! `/palette?q=`: what the Ctrl/⌘+K palette lists (JSON for `palette.js`). With `go <prefix>`,
//! the go-links that start with it; otherwise the bookmarks whose words start as typed (most
//! used first), the folders and tags whose names hold it, and every page the person may open.
//! Each part is read with a limit, so the answer takes the same time at any library size.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use crate::app::bookmarks as use_case;
use crate::domain::{OrgRole, SearchTerms};
use crate::state::AppState;
use crate::store::bookmark_list::{Filter, Sort};
use crate::store::{folders, tags};
use crate::web::errors::PageResult;
use crate::web::session::{Ctx, Member};

/// How many bookmarks, and how many folders and tags, one answer lists at most.
const BOOKMARKS: i64 = 12;
const NAMES: i64 = 5;

#[derive(Deserialize)]
pub struct PaletteQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Item {
    kind: &'static str,
    label: String,
    detail: String,
    href: String,
}

/// The pages of the app the person may open, as `(path, label key, section key)`.
fn pages(ctx: &Ctx, role: OrgRole) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = vec![
        ("/", "nav.dashboard", "palette.page"),
        ("/bookmarks", "nav.bookmarks", "palette.page"),
        ("/bookmarks/new", "lib.new", "palette.page"),
        ("/folders", "nav.folders", "palette.page"),
        ("/tags", "nav.tags", "palette.page"),
        ("/go-preferences", "nav.go", "palette.page"),
        ("/search-engine", "go.guide_title", "palette.page"),
        ("/settings", "set.profile", "nav.settings"),
        ("/settings/security", "set.security", "nav.settings"),
        ("/settings/tokens", "set.tokens", "nav.settings"),
        ("/settings/data", "set.data", "nav.settings"),
        ("/organization/members", "org.members", "nav.org"),
        ("/organization/teams", "org.teams", "nav.org"),
    ];
    if role.can_manage() {
        out.push(("/organization/invitations", "org.invitations", "nav.org"));
    }
    if ctx.is_cloud && role == OrgRole::Owner {
        out.push(("/organization/billing", "org.billing", "nav.org"));
    }
    let admin = ctx.account.as_ref().is_some_and(|a| a.user.user.is_admin);
    if !ctx.is_cloud && admin {
        out.extend([
            ("/admin/users", "adm.users", "nav.admin"),
            ("/admin/audit-log", "adm.log", "nav.admin"),
            ("/admin/settings", "adm.settings", "nav.admin"),
            ("/admin/oidc", "adm.oidc", "nav.admin"),
        ]);
    }
    out
}

pub async fn palette(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(query): Query<PaletteQuery>,
) -> PageResult {
    let q = query.q.trim();
    let mut items = Vec::new();
    let go_prefix = q
        .strip_prefix("go ")
        .or_else(|| q.strip_prefix("go/"))
        .map(|p| p.trim().to_lowercase());
    let words = go_prefix.clone().unwrap_or_else(|| q.to_string());
    // With nothing typed, the most used bookmarks come first.
    let terms = SearchTerms::parse(&words);
    if terms.is_some() || q.is_empty() {
        let filter = Filter {
            terms,
            ..Filter::default()
        };
        let rows = use_case::first(&state.store, &org, &filter, Sort::MostUsed, BOOKMARKS).await?;
        for b in rows {
            if let Some(prefix) = &go_prefix {
                if !b
                    .slug
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().starts_with(prefix.as_str()))
                {
                    continue;
                }
            }
            items.push(Item {
                kind: "bookmark",
                detail: b
                    .slug
                    .as_ref()
                    .map_or_else(|| b.url.clone(), |s| format!("go/{s}")),
                href: b.slug.map_or_else(|| b.url.clone(), |s| format!("/go/{s}")),
                label: b.title,
            });
        }
    }
    let names = go_prefix.is_none().then(|| SearchTerms::parse(q)).flatten();
    if let Some(pattern) = names.map(|t| t.like_pattern()) {
        let mut db = state.store.read().await?;
        let c = &mut db.conn();
        for f in folders::search(c, org.id(), org.user_id(), &pattern, NAMES).await? {
            items.push(Item {
                kind: "folder",
                label: f.name,
                detail: ctx.t("lib.folder").into(),
                href: format!("/bookmarks?folder_id={}", f.id),
            });
        }
        for t in tags::search(c, org.id(), org.user_id(), &pattern, NAMES).await? {
            items.push(Item {
                kind: "tag",
                label: format!("#{}", t.name),
                detail: ctx.t("lib.tag").into(),
                href: format!("/bookmarks?tag_id={}", t.id),
            });
        }
    }
    if go_prefix.is_none() {
        let needle = q.to_lowercase();
        for (href, key, section) in pages(&ctx, org.role) {
            let label = ctx.t(key);
            if label.to_lowercase().contains(&needle) || ctx.t(section).to_lowercase() == needle {
                items.push(Item {
                    kind: "page",
                    label: label.into(),
                    detail: ctx.t(section).into(),
                    href: href.into(),
                });
            }
        }
    }
    Ok(axum::Json(items).into_response())
}
