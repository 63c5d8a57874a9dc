//! `/organization/settings` (owners and admins): rename the organization; owners delete it by
//! typing its name. After deleting, the person works in another of their organizations.

use axum::extract::State;
use axum::http::StatusCode;
use maud::html;

use super::{after_leaving, answer, refusal, ConfirmForm, NameForm};
use crate::app::organizations;
use crate::domain::role::OrgName;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::Member;

pub const HERE: &str = "/organization/settings";

/// Which form a refusal belongs to.
enum Refused<'a> {
    None,
    Rename(&'a str, &'a str),
    Delete(&'a str),
}

async fn render(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    refused: Refused<'_>,
) -> PageResult {
    let ctx = &m.ctx;
    m.org.require_manager()?;
    // Read again: the name shown is the one stored now.
    let org = organizations::get(&state.store, &m.org.user, m.org.id())
        .await?
        .org;
    let (name, rename_error, delete_error) = match refused {
        Refused::None => (org.name.as_str(), None, None),
        Refused::Rename(typed, e) => (typed, Some(e), None),
        Refused::Delete(e) => (org.name.as_str(), None, Some(e)),
    };
    let body = html! {
        h3 { (ctx.t("org.rename_title")) }
        (alert(rename_error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("org.name"), "name").value(name).required().autocomplete("organization").render())
            div.actions { button type="submit" { (ctx.t("org.rename")) } }
        }
        @if m.org.role.is_owner() {
            h3 { (ctx.t("org.delete_title")) }
            p.muted { (ctx.tf("org.delete_lead", &[("name", &org.name)])) }
            (alert(delete_error))
            form.card-form method="post" action="/organization/delete" {
                (csrf_field(ctx))
                (Field::new(ctx.t("org.delete_confirm"), "confirm").required().autocomplete("off").render())
                div.actions { button.danger type="submit" { (ctx.t("org.delete")) } }
            }
        }
    };
    Ok(answer(status, m, HERE, ctx.t("org.settings"), body))
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    render(&state, &m, StatusCode::OK, Refused::None).await
}

pub async fn rename(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<NameForm>,
) -> PageResult {
    let name = OrgName::parse(f.name.as_deref()).map_err(AppError::from);
    let org = &m.org;
    match organizations::rename(&state.store, &org.user, org.id(), name).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "org_renamed"))),
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            let typed = f.name.as_deref().unwrap_or("");
            render(&state, &m, status, Refused::Rename(typed, &message)).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    let org = &m.org;
    // The typed name is this page's confirmation; who may delete is the use case's rule, so a
    // person who may not is refused as the API refuses them, whatever they typed.
    let typed = f.confirm.as_deref().unwrap_or("").trim();
    if typed != org.org.name.trim() {
        if !org.role.is_owner() {
            return Err(AppError::Forbidden.into());
        }
        let message = m.ctx.tf("org.delete_mismatch", &[("name", &org.org.name)]);
        return render(
            &state,
            &m,
            StatusCode::BAD_REQUEST,
            Refused::Delete(&message),
        )
        .await;
    }
    match organizations::delete(&state.store, &org.user, org.id()).await {
        Ok(()) => after_leaving(&state, &org.user, "org_deleted").await,
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            render(&state, &m, status, Refused::Delete(&message)).await
        }
    }
}
