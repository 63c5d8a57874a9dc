//! `/organization/teams`: the organization's teams (owners and admins): create one; on a
//! team's page rename it, add and remove its members, delete it (with a confirmation).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use serde::Deserialize;

use super::{answer, refusal, ConfirmForm};
use crate::app::members;
use crate::app::teams::{self as use_case, TeamInput, TeamView};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

pub const HERE: &str = "/organization/teams";

/// A team's name and description as typed.
#[derive(Deserialize, Default)]
pub struct TeamForm {
    name: Option<String>,
    description: Option<String>,
}

impl TeamForm {
    fn input(self) -> TeamInput {
        TeamInput {
            name: Some(self.name.unwrap_or_default()),
            // A blank description removes it.
            description: Some(self.description),
            user_ids: None,
        }
    }
}

fn team_fields(ctx: &Ctx, f: &TeamForm) -> Markup {
    html! {
        (Field::new(ctx.t("org.team_name"), "name").value(f.name.as_deref().unwrap_or("")).required().autocomplete("off").render())
        (Field::new(ctx.t("org.team_description"), "description").value(f.description.as_deref().unwrap_or("")).autocomplete("off").render())
    }
}

async fn render_list(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    f: &TeamForm,
    error: Option<&str>,
) -> PageResult {
    let ctx = &m.ctx;
    let teams = use_case::list(&state.store, &m.org).await?;
    let body = html! {
        @if teams.is_empty() { p.muted { (ctx.t("org.teams_none")) } }
        ul.provider-list {
            @for t in &teams {
                li.card {
                    h3 { a href=(format!("{HERE}/{}", t.id)) { (t.name) } }
                    @if let Some(d) = &t.description { p { (d) } }
                    p.muted { (ctx.tf("org.team_members_count", &[("count", &t.member_count.to_string())])) }
                }
            }
        }
        h3 { (ctx.t("org.team_create_title")) }
        (alert(error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (team_fields(ctx, f))
            div.actions { button type="submit" { (ctx.t("org.team_create")) } }
        }
    };
    Ok(answer(status, m, HERE, ctx.t("org.teams"), body))
}

pub async fn list(State(state): State<AppState>, m: Member) -> PageResult {
    render_list(&state, &m, StatusCode::OK, &TeamForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<TeamForm>,
) -> PageResult {
    let input = TeamForm {
        name: f.name.clone(),
        description: f.description.clone(),
    }
    .input();
    match use_case::create(&state.store, &state.limits, &m.org, input).await {
        Ok(v) => {
            let to = format!("{HERE}/{}", v.team.id);
            Ok(nav::see_other(&nav::with_notice(&to, "org_team_created")))
        }
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            render_list(&state, &m, status, &f, Some(&message)).await
        }
    }
}

fn members_part(ctx: &Ctx, v: &TeamView, others: &[crate::store::orgs::Member]) -> Markup {
    let here = format!("{HERE}/{}", v.team.id);
    html! {
        h3 { (ctx.t("org.team_members")) }
        @if v.members.is_empty() { p.muted { (ctx.t("org.team_members_none")) } }
        ul.provider-list {
            @for p in &v.members {
                li.card {
                    h3 { (p.name) }
                    p.url { (p.email) }
                    form.inline method="post" action=(format!("{here}/members/{}/remove", p.id)) {
                        (csrf_field(ctx))
                        button.secondary type="submit" { (ctx.t("org.team_remove")) span.visually-hidden { " " (p.name) } }
                    }
                }
            }
        }
        @if others.is_empty() {
            p.muted { (ctx.t("org.team_everyone_in")) }
        } @else {
            form.row method="post" action=(format!("{here}/members")) {
                (csrf_field(ctx))
                div.field {
                    label for="f-user_ids" { (ctx.t("org.team_add_label")) }
                    select #f-user_ids name="user_ids" {
                        @for p in others { option value=(p.user_id) { (p.name) " (" (p.email) ")" } }
                    }
                }
                button type="submit" { (ctx.t("org.team_add")) }
            }
        }
    }
}

async fn render_team(
    state: &AppState,
    m: &Member,
    id: &str,
    status: StatusCode,
    f: Option<&TeamForm>,
    error: Option<&str>,
) -> PageResult {
    let ctx = &m.ctx;
    let v = use_case::get(&state.store, &m.org, id).await?;
    let everyone = members::list(&state.store, &m.org.user, m.org.id()).await?;
    let others: Vec<_> = everyone
        .into_iter()
        .filter(|p| !v.members.iter().any(|t| t.id == p.user_id))
        .collect();
    let filled = TeamForm {
        name: Some(v.team.name.clone()),
        description: v.team.description.clone(),
    };
    let here = format!("{HERE}/{}", v.team.id);
    let body = html! {
        p { a href=(HERE) { (ctx.t("org.team_back")) } }
        (alert(error))
        form.card-form method="post" action=(here) {
            (csrf_field(ctx))
            (team_fields(ctx, f.unwrap_or(&filled)))
            div.actions { button type="submit" { (ctx.t("org.team_save")) } }
        }
        (members_part(ctx, &v, &others))
        h3 { (ctx.t("org.team_delete_title")) }
        p.muted { (ctx.t("org.team_delete_lead")) }
        form.card-form method="post" action=(format!("{here}/delete")) {
            (csrf_field(ctx))
            div.check {
                input #f-confirm type="checkbox" name="confirm" value="yes" required;
                label for="f-confirm" { (ctx.t("org.team_delete_confirm")) }
            }
            div.actions { button.danger type="submit" { (ctx.t("org.team_delete")) span.visually-hidden { " " (v.team.name) } } }
        }
    };
    Ok(answer(status, m, HERE, &v.team.name, body))
}

pub async fn page(State(state): State<AppState>, m: Member, Path(id): Path<String>) -> PageResult {
    render_team(&state, &m, &id, StatusCode::OK, None, None).await
}

/// What a team's page does after a change: back to it with `notice`, or drawn again with the
/// refusal (a foreign or missing team is a 404 page).
async fn after(
    state: &AppState,
    m: &Member,
    id: &str,
    outcome: Result<TeamView, AppError>,
    notice: &str,
    f: Option<&TeamForm>,
) -> PageResult {
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(
            &format!("{HERE}/{id}"),
            notice,
        ))),
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            render_team(state, m, id, status, f, Some(&message)).await
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<TeamForm>,
) -> PageResult {
    let input = TeamForm {
        name: f.name.clone(),
        description: f.description.clone(),
    }
    .input();
    let outcome = use_case::update(&state.store, &m.org, &id, input).await;
    after(&state, &m, &id, outcome, "org_team_saved", Some(&f)).await
}

pub async fn delete(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    if f.confirm.as_deref() != Some("yes") {
        let missing = m.ctx.t("org.confirm_missing");
        return render_team(
            &state,
            &m,
            &id,
            StatusCode::BAD_REQUEST,
            None,
            Some(missing),
        )
        .await;
    }
    use_case::delete(&state.store, &m.org, &id).await?;
    Ok(nav::see_other(&nav::with_notice(HERE, "org_team_deleted")))
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    user_ids: Vec<String>,
}

pub async fn add_member(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<AddForm>,
) -> PageResult {
    let outcome = use_case::add_members(&state.store, &m.org, &id, Some(f.user_ids)).await;
    after(&state, &m, &id, outcome, "org_team_added", None).await
}

pub async fn remove_member(
    State(state): State<AppState>,
    m: Member,
    Path((id, user_id)): Path<(String, String)>,
    Form(_): Form<Empty>,
) -> PageResult {
    let outcome = use_case::remove_member(&state.store, &m.org, &id, &user_id).await;
    after(&state, &m, &id, outcome, "org_team_removed", None).await
}
