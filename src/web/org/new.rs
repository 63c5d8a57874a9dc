//! `/organizations/new`: found an organization; the person becomes its owner and works in it.
//! In the cloud it also lists the organizations open to the domain of the person's address, to
//! join with one button (`POST /organizations/{id}/join`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::html;

use super::NameForm;
use crate::app::identity::CurrentUser;
use crate::app::{auto_join, organizations, sessions};
use crate::domain::role::OrgName;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

pub const HERE: &str = "/organizations/new";

async fn render(
    state: &AppState,
    user: &CurrentUser,
    ctx: &Ctx,
    status: StatusCode,
    name: &str,
    error: Option<&str>,
) -> PageResult {
    let none = ctx.account.as_ref().is_some_and(|a| a.orgs.is_empty());
    let open = auto_join::joinable(&state.store, state.plan_policy(), user).await?;
    let body = html! {
        h1 { (ctx.t("org.new_title")) }
        @if none { p.banner role="status" { (ctx.t("org.none")) } }
        (joinable(ctx, &open))
        p.muted { (ctx.t("org.new_lead")) }
        (alert(error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("org.name"), "name").value(name).required().autocomplete("organization").render())
            div.actions { button type="submit" { (ctx.t("org.create")) } }
        }
    };
    Ok((status, layout::page(ctx, ctx.t("org.new_title"), body)).into_response())
}

/// The organizations open to the person's email domain, each with its Join button; nothing
/// when there are none.
pub fn joinable(ctx: &Ctx, open: &[crate::store::orgs::Org]) -> maud::Markup {
    html! {
        @if !open.is_empty() {
            section.joinable.banner aria-labelledby="joinable-title" {
                h2 #joinable-title { (ctx.t("org.joinable_title")) }
                ul.plain {
                    @for org in open {
                        li {
                            form.inline method="post" action=(format!("/organizations/{}/join", org.id)) {
                                (csrf_field(ctx))
                                span { (ctx.tf("org.joinable_item", &[("name", &org.name), ("domain", org.auto_join_domain.as_deref().unwrap_or(""))])) }
                                " "
                                button type="submit" { (ctx.tf("org.join", &[("name", &org.name)])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn page(State(state): State<AppState>, Signed { user, ctx }: Signed) -> PageResult {
    render(&state, &user, &ctx, StatusCode::OK, "", None).await
}

/// Joins an organization open to the person's email domain and works in it.
pub async fn join(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    let outbox = state.outbox();
    match auto_join::join(&state.store, &outbox, state.plan_policy(), &user, &id).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/", "org_joined"))),
        Err(e @ (crate::error::AppError::NotFound(_) | crate::error::AppError::Unauthorized)) => {
            Err(e.into())
        }
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            render(&state, &user, &ctx, status, "", Some(&message)).await
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<NameForm>,
) -> PageResult {
    let outcome = async {
        let name = OrgName::parse(f.name.as_deref())?;
        let org = organizations::create(&state.store, state.mode(), &user, &name).await?;
        sessions::choose_org(&state.store, &user, &org.id).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(
            super::members::HERE,
            "org_created",
        ))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let typed = f.name.as_deref().unwrap_or("");
            render(&state, &user, &ctx, status, typed, Some(&message)).await
        }
    }
}
