//! `/organizations/new`: found an organization; the person becomes its owner and works in it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::html;

use super::NameForm;
use crate::app::{organizations, sessions};
use crate::domain::role::OrgName;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

pub const HERE: &str = "/organizations/new";

fn render(ctx: &Ctx, status: StatusCode, name: &str, error: Option<&str>) -> PageResult {
    let none = ctx.account.as_ref().is_some_and(|a| a.orgs.is_empty());
    let body = html! {
        h1 { (ctx.t("org.new_title")) }
        @if none { p.banner role="status" { (ctx.t("org.none")) } }
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

pub async fn page(Signed { ctx, .. }: Signed) -> PageResult {
    render(&ctx, StatusCode::OK, "", None)
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
            render(
                &ctx,
                status,
                f.name.as_deref().unwrap_or(""),
                Some(&message),
            )
        }
    }
}
