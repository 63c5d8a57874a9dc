//! `/admin/users`: everyone on a self-hosted instance, for its admins: find, add (with a
//! password, an emailed set-your-password link, or neither for provider sign-in), change
//! (name, email, admin, password), delete; over the use cases of `/api/admin/users`.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as admin_page;
use crate::app::admin_invites;
use crate::app::admin_users::{self as use_case, Edit, NewPerson};
use crate::domain::{Email, Password, PersonName, Timestamp};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::store::user_admin::Listed;
use crate::store::users::User;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

const HERE: &str = "/admin/users";
const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    offset: Option<i64>,
}

/// The add form as typed (passwords never come back).
#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    send_invite: Option<String>,
    is_admin: Option<String>,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn password(raw: &Option<String>) -> Result<Option<Password>> {
    Ok(raw
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(Password::parse)
        .transpose()?)
}

fn new_form(ctx: &Ctx, f: &NewForm, error: Option<&str>) -> Markup {
    html! {
        (alert(error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("auth.name"), "name").value(text(&f.name)).required().autocomplete("off").render())
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(text(&f.email)).required().autocomplete("off").render())
            (Field::new(ctx.t("auth.password"), "password").kind("password").autocomplete("new-password").hint(ctx.t("adm.user_password_hint")).render())
            div.check {
                input #f-invite type="checkbox" name="send_invite" value="true" checked[f.send_invite.is_some()];
                label for="f-invite" { (ctx.t("adm.user_send_invite")) }
            }
            div.check {
                input #f-admin type="checkbox" name="is_admin" value="true" checked[f.is_admin.is_some()];
                label for="f-admin" { (ctx.t("adm.user_is_admin")) }
            }
            div.actions { button type="submit" { (ctx.t("adm.user_add")) } }
        }
    }
}

fn person_row(ctx: &Ctx, listed: &Listed, me: &str) -> Markup {
    let u = &listed.user;
    let waiting = listed.invite_pending();
    let invited = waiting && listed.invite_expires_at.is_some();
    let expired = listed.invite_expired(Timestamp::now().millis());
    html! {
        li.card {
            h3 { (u.name)
                @if u.is_admin { " " span.badge { (ctx.t("adm.badge_admin")) } }
                @if u.id == me { " " span.badge { (ctx.t("adm.badge_you")) } }
                @if expired { " " span.badge { (ctx.t("adm.badge_invite_expired")) } }
                @else if invited { " " span.badge { (ctx.t("adm.badge_invited")) } }
                @else if waiting { " " span.badge { (ctx.t("adm.badge_no_password")) } }
            }
            p.url { (u.email) }
            p.muted { (ctx.tf("adm.user_since", &[("date", &Timestamp(u.created_at).date())]))
                @if u.mfa_enabled { " · " (ctx.t("adm.user_mfa")) } }
            div.actions {
                a.button.secondary href=(format!("{HERE}/{}", u.id)) { (ctx.t("adm.edit")) span.visually-hidden { " " (u.name) } }
                @if waiting {
                    form.inline method="post" action=(format!("{HERE}/{}/resend-invite", u.id)) {
                        (csrf_field(ctx))
                        button.secondary type="submit" { (ctx.t("adm.user_resend_invite")) span.visually-hidden { " " (u.name) } }
                    }
                }
            }
        }
    }
}

async fn list_body(
    state: &AppState,
    signed: &Signed,
    q: &ListQuery,
    form: &NewForm,
    error: Option<&str>,
) -> Result<Markup> {
    let ctx = &signed.ctx;
    let offset = q.offset.unwrap_or(0).max(0);
    let found = use_case::list(&state.store, q.q.as_deref(), Some(PAGE), Some(offset)).await?;
    let search = q.q.as_deref().unwrap_or("");
    let more = |offset: i64| {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", search)
            .append_pair("offset", &offset.to_string())
            .finish();
        format!("{HERE}?{query}")
    };
    Ok(html! {
        form.row method="get" action=(HERE) role="search" {
            (Field::new(ctx.t("adm.user_search"), "q").kind("search").value(search).render())
            button.secondary type="submit" { (ctx.t("adm.search")) }
        }
        p role="status" { (ctx.tf("adm.user_count", &[("count", &ctx.num(found.total))])) }
        ul.provider-list { @for u in &found.items { (person_row(ctx, u, signed.user.id())) } }
        div.actions {
            @if offset > 0 { a.button.secondary href=(more((offset - PAGE).max(0))) { (ctx.t("adm.previous")) } }
            @if found.has_more { a.button.secondary href=(more(offset + PAGE)) { (ctx.t("adm.next")) } }
        }
        h3 { (ctx.t("adm.user_add_title")) }
        (new_form(ctx, form, error))
    })
}

fn admin_only(state: &AppState, signed: &Signed) -> Result<()> {
    use_case::require_admin(state.mode(), &signed.user)
}

pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    admin_only(&state, &signed)?;
    let ctx = &signed.ctx;
    let body = list_body(&state, &signed, &q, &NewForm::default(), None).await?;
    Ok(admin_page(ctx, HERE, ctx.t("adm.users"), body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(f): Form<NewForm>,
) -> PageResult {
    admin_only(&state, &signed)?;
    let ctx = &signed.ctx;
    state.limits.admin_users(signed.user.id()).await?;
    let outcome = async {
        let person = NewPerson {
            email: Email::parse(text(&f.email))?,
            name: PersonName::parse(text(&f.name))?,
            password: password(&f.password)?,
            is_admin: f.is_admin.is_some(),
            send_invite: f.send_invite.is_some(),
        };
        use_case::create(&state.store, &state.outbox(), &signed.user, person).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "user_added"))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let shown = NewForm {
                password: None,
                ..f
            };
            let q = ListQuery::default();
            let body = list_body(&state, &signed, &q, &shown, Some(&message)).await?;
            Ok((status, admin_page(ctx, HERE, ctx.t("adm.users"), body)).into_response())
        }
    }
}

/// The edit form as typed.
#[derive(Deserialize, Default)]
pub struct EditForm {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    is_admin: Option<String>,
}

fn edit_body(ctx: &Ctx, u: &User, me: &str, f: &EditForm, error: Option<&str>) -> Markup {
    let action = format!("{HERE}/{}", u.id);
    html! {
        (alert(error))
        form.card-form method="post" action=(action) {
            (csrf_field(ctx))
            (Field::new(ctx.t("auth.name"), "name").value(text(&f.name)).required().autocomplete("off").render())
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(text(&f.email)).required().autocomplete("off").render())
            (Field::new(ctx.t("auth.new_password"), "password").kind("password").autocomplete("new-password").hint(ctx.t("adm.user_new_password_hint")).render())
            div.check {
                input #f-admin type="checkbox" name="is_admin" value="true" checked[f.is_admin.is_some()];
                label for="f-admin" { (ctx.t("adm.user_is_admin")) }
            }
            div.actions {
                button type="submit" { (ctx.t("adm.save")) }
                a href=(HERE) { (ctx.t("lib.cancel")) }
            }
        }
        @if u.id != me {
            form.inline method="post" action=(format!("{action}/delete")) {
                (csrf_field(ctx))
                p.muted { (ctx.t("adm.user_delete_lead")) }
                button.danger type="submit" { (ctx.tf("adm.user_delete", &[("name", u.name.as_str())])) }
            }
        }
    }
}

fn filled(u: &User) -> EditForm {
    EditForm {
        name: Some(u.name.clone()),
        email: Some(u.email.clone()),
        password: None,
        is_admin: u.is_admin.then(|| "true".into()),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    admin_only(&state, &signed)?;
    let ctx = &signed.ctx;
    let u = use_case::get(&state.store, &id).await?;
    let body = edit_body(ctx, &u, signed.user.id(), &filled(&u), None);
    Ok(admin_page(ctx, HERE, &u.name, body).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> PageResult {
    admin_only(&state, &signed)?;
    let ctx = &signed.ctx;
    let u = use_case::get(&state.store, &id).await?;
    let outcome = async {
        let edit = Edit {
            name: Some(PersonName::parse(text(&f.name))?),
            email: Some(Email::parse(text(&f.email))?),
            is_admin: Some(f.is_admin.is_some()),
            password: password(&f.password)?,
        };
        use_case::update(&state.store, &signed.user, &id, edit).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "user_saved"))),
        Err(e @ AppError::NotFound(_)) => Err(e.into()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let shown = EditForm {
                password: None,
                ..f
            };
            let body = edit_body(ctx, &u, signed.user.id(), &shown, Some(&message));
            Ok((status, admin_page(ctx, HERE, &u.name, body)).into_response())
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    admin_only(&state, &signed)?;
    use_case::delete(&state.store, state.mode(), &signed.user, &id).await?;
    Ok(nav::see_other(&nav::with_notice(HERE, "user_deleted")))
}

/// Emails a new set-your-password link to someone who has not used theirs.
pub async fn resend_invite(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    admin_only(&state, &signed)?;
    state.limits.admin_users(signed.user.id()).await?;
    admin_invites::resend(&state.store, &state.outbox(), &signed.user, &id).await?;
    Ok(nav::see_other(&nav::with_notice(HERE, "invite_resent")))
}
