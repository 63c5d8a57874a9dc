//! `/organization/settings` (owners and admins): rename the organization; in the cloud, owners
//! open it to their email domain (Team plan); owners delete it by typing its name. After
//! deleting, the person works in another of their organizations.

use axum::extract::State;
use axum::http::StatusCode;
use maud::html;

use super::{after_leaving, answer, refusal, ConfirmForm, NameForm};
use crate::app::{auto_join, organizations};
use crate::domain::auto_join::domain_of;
use crate::domain::role::OrgName;
use crate::domain::Plan;
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
    AutoJoin(&'a str, &'a str),
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
    let stored_domain = org.auto_join_domain.as_deref().unwrap_or("");
    let (mut name, mut domain) = (org.name.as_str(), stored_domain);
    let (mut rename_error, mut join_error, mut delete_error) = (None, None, None);
    match refused {
        Refused::None => {}
        Refused::Rename(typed, e) => (name, rename_error) = (typed, Some(e)),
        Refused::AutoJoin(typed, e) => (domain, join_error) = (typed, Some(e)),
        Refused::Delete(e) => delete_error = Some(e),
    }
    let own_domain = domain_of(&m.org.user.user.email).unwrap_or("");
    let example_domain = if own_domain.is_empty() {
        "example.com"
    } else {
        own_domain
    };
    let body = html! {
        h3 { (ctx.t("org.rename_title")) }
        (alert(rename_error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("org.name"), "name").value(name).required().autocomplete("organization").render())
            div.actions { button type="submit" { (ctx.t("org.rename")) } }
        }
        @if ctx.is_cloud && m.org.role.is_owner() {
            h3 { (ctx.t("org.auto_join_title")) }
            @if org.plan != Plan::Team {
                p.muted { (ctx.t("org.auto_join_needs_team")) " "
                    a href=(super::billing::HERE) { (ctx.t("org.auto_join_to_billing")) } }
            } @else {
                p.muted { (ctx.tf("org.auto_join_lead", &[("domain", example_domain)])) }
                @if !stored_domain.is_empty() {
                    p.banner role="status" { (ctx.tf("org.auto_join_on", &[("domain", stored_domain)])) }
                }
                (alert(join_error))
                form.card-form method="post" action=(AUTO_JOIN) {
                    (csrf_field(ctx))
                    (Field::new(ctx.t("org.auto_join_domain"), "domain").value(domain).autocomplete("off").render())
                    div.actions {
                        button type="submit" { (ctx.t("org.auto_join_save")) }
                        @if !stored_domain.is_empty() {
                            button.secondary type="submit" name="stop" value="1" { (ctx.t("org.auto_join_stop")) }
                        }
                    }
                }
            }
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

/// Where the auto-join form posts.
pub const AUTO_JOIN: &str = "/organization/auto-join";

#[derive(serde::Deserialize)]
pub struct DomainForm {
    domain: Option<String>,
    /// The "stop" button: close the organization whatever the field says.
    stop: Option<String>,
}

/// Opens the organization to an email domain, or closes it (an empty domain).
pub async fn auto_join(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<DomainForm>,
) -> PageResult {
    let org = &m.org;
    let typed = match f.stop {
        Some(_) => "",
        None => f.domain.as_deref().unwrap_or(""),
    };
    let policy = state.plan_policy();
    match auto_join::set_domain(&state.store, policy, &org.user, org.id(), Some(typed)).await {
        Ok(o) => {
            let notice = if o.org.auto_join_domain.is_some() {
                "auto_join_on"
            } else {
                "auto_join_off"
            };
            Ok(nav::see_other(&nav::with_notice(HERE, notice)))
        }
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            render(&state, &m, status, Refused::AutoJoin(typed, &message)).await
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
