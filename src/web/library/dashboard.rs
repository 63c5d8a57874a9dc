//! `/`: counts, plan usage, pinned, quick access, recent and top tags.

use axum::extract::State;
use axum::response::IntoResponse;
use maud::html;

use super::{card, card_with};
use crate::app::bookmarks::BookmarkView;
use crate::app::{accounts, auto_join, dashboard, plans, visits};
use crate::domain::{OrgRole, Timestamp};
use crate::state::AppState;
use crate::web::chart;
use crate::web::errors::PageResult;
use crate::web::icons::{icon, Icon};
use crate::web::layout;
use crate::web::nav;
use crate::web::session::{self, Ctx, Member, Visitor};

/// Anonymous visitors go to setup (before the first admin) or sign-in; others see their library.
pub async fn page(State(state): State<AppState>, Visitor(ctx): Visitor) -> PageResult {
    if ctx.account.is_none() {
        let to = if accounts::is_set_up(&state.store, state.mode()).await? {
            "/login"
        } else {
            "/setup"
        };
        return Ok(nav::see_other(to));
    }
    let member = session::member(&state, ctx).await?;
    render(&state, member).await
}

fn section(ctx: &Ctx, base: &str, title: &str, items: &[BookmarkView]) -> maud::Markup {
    html! {
        @if !items.is_empty() {
            section {
                h2 { (title) }
                ul.grid { @for b in items { (card(ctx, base, b, false)) } }
            }
        }
    }
}

async fn render(state: &AppState, Member { org, ctx }: Member) -> PageResult {
    let o = dashboard::overview(&state.store, &state.list_totals, &org).await?;
    let base = state.config.base_url();
    let limit = org.rules.bookmark_limit();
    // A member moved down to Free above the limit may go on adding until the grace period ends.
    // Only then is usage read: it counts the person's bookmarks, which on a large library
    // without a limit would cost every dashboard a scan for nothing.
    let grace = match limit {
        Some(_) => plans::usage(&state.store, &org)
            .await?
            .grace_ends_at
            .filter(|ends| *ends > Timestamp::now().millis())
            .map(|ends| Timestamp(ends).date()),
        None => None,
    };
    // The most used links with their visits per day: one query for the ten of them.
    let quick_visits = visits::of_listed(&state.store, &o.quick_access).await?;
    // Cloud only, and one indexed read: organizations open to the person's email domain.
    let open = auto_join::joinable(&state.store, state.plan_policy(), &org.user).await?;
    let body = html! {
        div.toolbar {
            h1 { (ctx.t("dash.title")) }
            a.button href="/bookmarks/new" { (icon(Icon::Plus)) (ctx.t("lib.new")) }
        }
        (crate::web::org::joinable(&ctx, &open))
        @if let Some(limit) = limit {
            @if let (true, Some(date)) = (o.total_bookmarks >= limit, &grace) {
                div.banner role="status" {
                    p { (ctx.tf("dash.grace", &[("count", &ctx.num(o.total_bookmarks)), ("limit", &ctx.num(limit)), ("date", date)])) }
                    @if org.role == OrgRole::Owner && ctx.is_cloud {
                        p.actions { a.button href="/organization/billing" { (ctx.t("dash.upgrade")) } }
                    }
                }
            } @else if o.total_bookmarks >= limit {
                p.banner role="status" { (ctx.tf("dash.over_limit", &[("count", &ctx.num(o.total_bookmarks)), ("limit", &ctx.num(limit))])) }
            } @else {
                p.muted { (ctx.tf("dash.usage", &[("count", &ctx.num(o.total_bookmarks)), ("limit", &ctx.num(limit))])) }
            }
        }
        ul.stats {
            li { strong { (ctx.num(o.total_bookmarks)) } a href="/bookmarks?scope=mine" { (ctx.t("dash.bookmarks")) } }
            li { strong { (ctx.num(o.shared_bookmarks)) } a href="/bookmarks?scope=shared_with_me" { (ctx.t("dash.shared")) } }
            li { strong { (ctx.num(o.total_folders)) } a href="/folders" { (ctx.t("dash.folders")) } }
            li { strong { (ctx.num(o.total_tags)) } a href="/tags" { (ctx.t("dash.tags")) } }
        }
        @if o.total_bookmarks == 0 && o.shared_bookmarks == 0 {
            div.banner {
                p { (ctx.t("dash.empty")) }
                p.actions {
                    a.button href="/bookmarks/new" { (ctx.t("lib.new")) }
                    a.button.secondary href="/settings/data" { (ctx.t("dash.import")) }
                }
            }
        }
        (section(&ctx, &base, ctx.t("dash.pinned"), &o.pinned))
        @if !o.quick_access.is_empty() {
            section {
                h2 { (ctx.t("dash.quick")) }
                ul.grid {
                    @for b in &o.quick_access {
                        @let days = quick_visits.get(&b.row.id).map(Vec::as_slice).unwrap_or_default();
                        (card_with(&ctx, &base, b, false, chart::visits(&ctx, days)))
                    }
                }
            }
        }
        (section(&ctx, &base, ctx.t("dash.recent"), &o.recent))
        @if !o.top_tags.is_empty() {
            section {
                h2 { (ctx.t("dash.top_tags")) }
                ul.chips {
                    @for t in &o.top_tags {
                        li { a.chip href=(format!("/bookmarks?tag_id={}", t.id)) { "#" (t.name) " · " (ctx.num(t.bookmark_count)) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, ctx.t("dash.title"), body).into_response())
}
