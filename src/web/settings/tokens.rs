//! Personal API tokens: list, create (shown once), revoke.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;

use super::page as settings_page;
use crate::app::audit::Actor;
use crate::app::tokens::{self, NewToken, StartsIn};
use crate::domain::account::TokenName;
use crate::domain::time::Timestamp;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

fn day(ms: i64) -> String {
    Timestamp(ms).date()
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    user_id: &str,
    created: Option<&NewToken>,
    error: Option<&str>,
) -> Result<maud::Markup, AppError> {
    let list = tokens::list(&state.store, user_id).await?;
    Ok(html! {
        p { (ctx.t("set.tokens_lead")) }
        @if let Some(t) = created {
            div.ok role="status" {
                p { (ctx.tf("set.token_created", &[("name", &t.name)])) }
                p.secret { code #new-token { (t.secret) } }
                button.secondary type="button" data-copy=(t.secret) data-copied=(ctx.t("lib.copied")) { (ctx.t("lib.copy")) }
            }
        }
        (alert(error))
        form.card-form method="post" action="/settings/tokens" {
            (csrf_field(ctx))
            div.row {
                (Field::new(ctx.t("set.token_name"), "name").required().render())
                button type="submit" { (ctx.t("set.token_create")) }
            }
        }
        @if list.is_empty() { p role="status" { (ctx.t("set.tokens_none")) } }
        @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (ctx.t("set.token_name")) }
                    th scope="col" { (ctx.t("set.created")) }
                    th scope="col" { (ctx.t("set.last_used")) }
                    th scope="col" { span.visually-hidden { (ctx.t("lib.actions")) } }
                } }
                tbody { @for t in &list { tr {
                    td { (t.name) }
                    td { (day(t.created_at)) }
                    td { @match t.last_used_at { Some(ms) => (day(ms)), None => (ctx.t("set.never")) } }
                    td {
                        form.inline method="post" action=(format!("/settings/tokens/{}/revoke", t.id)) {
                            (csrf_field(ctx))
                            button.secondary type="submit" { (ctx.t("set.revoke")) span.visually-hidden { " " (t.name) } }
                        }
                    }
                } } }
            } }
        }
    })
}

pub async fn page(State(state): State<AppState>, Signed { user, ctx }: Signed) -> PageResult {
    let body = render(&state, &ctx, user.id(), None, None).await?;
    Ok(settings_page(&ctx, "/settings/tokens", ctx.t("set.tokens"), body).into_response())
}

#[derive(Deserialize)]
pub struct CreateForm {
    name: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<CreateForm>,
) -> PageResult {
    state.limits.api_token(user.id()).await?;
    let outcome = match TokenName::parse(f.name.as_deref()) {
        Ok(name) => {
            let starts = StartsIn::Inherited(user.credential.current_org_id());
            tokens::create(&state.store, &Actor::of(&user), user.id(), &name, starts).await
        }
        Err(e) => Err(e.into()),
    };
    let (status, body) = match outcome {
        Ok(t) => (
            axum::http::StatusCode::OK,
            render(&state, &ctx, user.id(), Some(&t), None).await?,
        ),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            (
                status,
                render(&state, &ctx, user.id(), None, Some(&message)).await?,
            )
        }
    };
    Ok((
        status,
        settings_page(&ctx, "/settings/tokens", ctx.t("set.tokens"), body),
    )
        .into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    tokens::revoke(&state.store, &Actor::of(&user), user.id(), &id).await?;
    Ok(nav::see_other(&nav::with_notice(
        "/settings/tokens",
        "token_revoked",
    )))
}
