//! `/admin/audit-log`: who did what, newest first, with filters and "load more"; over the use
//! case of `GET /api/admin/audit-log` (an instance admin reads every event, an organization's
//! owner or admin its own).

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::{html, Markup};

use super::page as admin_page;
use crate::app::audit::{self, LogParams};
use crate::domain::Timestamp;
use crate::state::AppState;
use crate::store::audit::AuditEvent;
use crate::web::errors::PageResult;
use crate::web::layout::Field;
use crate::web::session::{Ctx, Signed};

const HERE: &str = "/admin/audit-log";

fn when(ms: i64) -> String {
    let t = Timestamp(ms).to_rfc3339();
    // `2026-12-03T10:15:00.000Z` reads as `2026-12-03 10:15:00`.
    t.get(..19).unwrap_or(&t).replace('T', " ")
}

fn event_row(ctx: &Ctx, e: &AuditEvent) -> Markup {
    let details = (e.details != "{}").then_some(e.details.as_str());
    html! {
        li.card {
            h3 { code { (e.action) } }
            dl {
                dt { (ctx.t("adm.log_when")) }
                dd { time datetime=(Timestamp(e.created_at).to_rfc3339()) { (when(e.created_at)) " UTC" } }
                dt { (ctx.t("adm.log_who")) }
                dd.url { (e.actor_email.as_deref().unwrap_or(ctx.t("adm.log_nobody"))) }
                dt { (ctx.t("adm.log_what")) }
                dd.url { (e.entity_type) @if let Some(id) = &e.entity_id { " " code { (id) } } }
                @if let Some(d) = details {
                    dt { (ctx.t("adm.log_details")) }
                    dd.url { code { (d) } }
                }
                @if let Some(ip) = &e.ip {
                    dt { (ctx.t("adm.log_ip")) }
                    dd { (ip) }
                }
            }
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(params): Query<LogParams>,
) -> PageResult {
    let ctx = signed.ctx.clone();
    let log = audit::read(
        &state.store,
        signed.user.clone(),
        None,
        state.plan_policy(),
        &params,
    )
    .await?;
    let filter = |v: &Option<String>| v.clone().unwrap_or_default();
    let (action, entity_type) = (filter(&params.action), filter(&params.entity_type));
    let next = log.next_cursor.as_ref().map(|c| {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("action", &action)
            .append_pair("entity_type", &entity_type)
            .append_pair("before", c)
            .finish();
        format!("{HERE}?{query}")
    });
    let body = html! {
        p { (ctx.t("adm.log_lead")) }
        form.row method="get" action=(HERE) role="search" {
            (Field::new(ctx.t("adm.log_action"), "action").value(&action).hint(ctx.t("adm.log_action_hint")).render())
            (Field::new(ctx.t("adm.log_entity"), "entity_type").value(&entity_type).hint(ctx.t("adm.log_entity_hint")).render())
            button.secondary type="submit" { (ctx.t("adm.log_filter")) }
        }
        @if log.events.is_empty() { p role="status" { (ctx.t("adm.log_none")) } }
        ul.provider-list { @for e in &log.events { (event_row(&ctx, e)) } }
        @if let Some(href) = next {
            div.actions { a.button.secondary href=(href) { (ctx.t("adm.log_more")) } }
        }
    };
    Ok(admin_page(&ctx, HERE, ctx.t("adm.log"), body).into_response())
}
