//! `/admin/oidc`: the OpenID providers people may sign in with (self-hosted instance admins):
//! list, add, change, delete; over the same use cases as `/api/oidc-providers`.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as admin_page;
use crate::app::oidc_providers::{self as use_case, ProviderInput};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::oidc::Provider;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

const HERE: &str = "/admin/oidc";

/// The form's fields as typed (the secret is never filled back in).
#[derive(Deserialize, Default, Clone)]
pub struct ProviderForm {
    key: Option<String>,
    name: Option<String>,
    issuer_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<String>,
    auto_create_users: Option<String>,
    default_role: Option<String>,
}

impl ProviderForm {
    fn of(p: &Provider) -> Self {
        ProviderForm {
            key: Some(p.key.clone()),
            name: Some(p.name.clone()),
            issuer_url: Some(p.issuer_url.clone()),
            client_id: Some(p.client_id.clone()),
            client_secret: None,
            scopes: Some(p.scopes.clone()),
            auto_create_users: p.auto_create_users.then(|| "true".into()),
            default_role: Some(p.default_role.clone()),
        }
    }

    /// A form sends every field: an unticked box means "off", a blank secret "keep".
    fn input(self) -> ProviderInput {
        ProviderInput {
            key: self.key.map(|k| k.trim().to_string()),
            name: self.name,
            issuer_url: self.issuer_url.map(|u| u.trim().to_string()),
            client_id: self.client_id,
            client_secret: self.client_secret.map(|s| s.trim().to_string()),
            scopes: self.scopes,
            auto_create_users: Some(self.auto_create_users.is_some()),
            default_role: self.default_role,
            ..ProviderInput::default()
        }
    }
}

fn value(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn callback_url(state: &AppState, key: &str) -> String {
    crate::app::oidc_sign_in::callback_url(&state.config.base_url(), key)
}

fn provider_form(
    ctx: &Ctx,
    action: &str,
    f: &ProviderForm,
    editing: bool,
    error: Option<&str>,
) -> Markup {
    let role = f.default_role.as_deref().unwrap_or("user");
    let secret_hint = if editing {
        ctx.t("adm.oidc_secret_keep")
    } else {
        ctx.t("adm.oidc_secret_hint")
    };
    let mut secret = Field::new(ctx.t("adm.oidc_client_secret"), "client_secret")
        .kind("password")
        .autocomplete("off")
        .hint(secret_hint);
    if !editing {
        secret = secret.required();
    }
    html! {
        (alert(error))
        form.card-form method="post" action=(action) {
            (csrf_field(ctx))
            (Field::new(ctx.t("adm.oidc_name"), "name").value(value(&f.name)).required().hint(ctx.t("adm.oidc_name_hint")).render())
            (Field::new(ctx.t("adm.oidc_key"), "key").value(value(&f.key)).required().hint(ctx.t("adm.oidc_key_hint")).render())
            (Field::new(ctx.t("adm.oidc_issuer"), "issuer_url").kind("url").value(value(&f.issuer_url)).required().hint(ctx.t("adm.oidc_issuer_hint")).render())
            (Field::new(ctx.t("adm.oidc_client_id"), "client_id").value(value(&f.client_id)).required().autocomplete("off").render())
            (secret.render())
            (Field::new(ctx.t("adm.oidc_scopes"), "scopes").value(f.scopes.as_deref().unwrap_or("openid email profile")).render())
            div.check {
                input #f-auto type="checkbox" name="auto_create_users" value="true" checked[f.auto_create_users.is_some()];
                label for="f-auto" { (ctx.t("adm.oidc_auto_create")) }
            }
            div.field {
                label for="f-role" { (ctx.t("adm.oidc_default_role")) }
                select #f-role name="default_role" {
                    option value="user" selected[role == "user"] { (ctx.t("adm.role_user")) }
                    option value="admin" selected[role == "admin"] { (ctx.t("adm.role_admin")) }
                }
            }
            div.actions {
                button type="submit" { (if editing { ctx.t("adm.save") } else { ctx.t("adm.oidc_add") }) }
                @if editing { a href=(HERE) { (ctx.t("lib.cancel")) } }
            }
        }
    }
}

async fn list_body(
    state: &AppState,
    ctx: &Ctx,
    signed: &Signed,
    form: &ProviderForm,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let providers = use_case::list(&state.store, state.mode(), &signed.user).await?;
    Ok(html! {
        p { (ctx.t("adm.oidc_lead")) }
        @if providers.is_empty() { p role="status" { (ctx.t("adm.oidc_none")) } }
        @else {
            ul.provider-list { @for p in &providers { li.card {
                h3 { (p.name) " " small.muted { (p.key) } }
                dl {
                    dt { (ctx.t("adm.oidc_issuer")) }
                    dd.url { code { (p.issuer_url) } }
                    dt { (ctx.t("adm.oidc_callback")) }
                    dd.url { code { (callback_url(state, &p.key)) } }
                    dt { (ctx.t("adm.oidc_new_people")) }
                    dd { @if p.auto_create_users {
                        @if p.default_role == "admin" { (ctx.t("adm.oidc_create_admins")) } @else { (ctx.t("adm.oidc_create_users")) }
                    } @else { (ctx.t("adm.oidc_existing_only")) } }
                }
                div.actions {
                    a.button.secondary href=(format!("{HERE}/{}", p.id)) { (ctx.t("adm.edit")) span.visually-hidden { " " (p.name) } }
                    form.inline method="post" action=(format!("{HERE}/{}/delete", p.id)) {
                        (csrf_field(ctx))
                        button.danger type="submit" { (ctx.t("adm.delete")) span.visually-hidden { " " (p.name) } }
                    }
                }
            } } }
        }
        h3 { (ctx.t("adm.oidc_add_title")) }
        (provider_form(ctx, HERE, form, false, error))
    })
}

pub async fn page(State(state): State<AppState>, signed: Signed) -> PageResult {
    let ctx = &signed.ctx;
    let body = list_body(&state, ctx, &signed, &ProviderForm::default(), None).await?;
    Ok(admin_page(ctx, HERE, ctx.t("adm.oidc"), body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    signed: Signed,
    Form(f): Form<ProviderForm>,
) -> PageResult {
    let ctx = &signed.ctx;
    let user = &signed.user;
    state.limits.oidc_providers(user.id()).await?;
    // What was typed comes back after a refusal, but never the secret.
    let shown = ProviderForm {
        client_secret: None,
        ..f.clone()
    };
    let outcome = use_case::create(&state.store, state.mode(), user, f.input()).await;
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "provider_added"))),
        Err(AppError::Forbidden) => Err(AppError::Forbidden.into()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = list_body(&state, ctx, &signed, &shown, Some(&message)).await?;
            Ok((status, admin_page(ctx, HERE, ctx.t("adm.oidc"), body)).into_response())
        }
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let ctx = &signed.ctx;
    let p = use_case::get(&state.store, state.mode(), &signed.user, &id).await?;
    let body = provider_form(
        ctx,
        &format!("{HERE}/{}", p.id),
        &ProviderForm::of(&p),
        true,
        None,
    );
    Ok(admin_page(ctx, HERE, &p.name, body).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(f): Form<ProviderForm>,
) -> PageResult {
    let ctx = &signed.ctx;
    let shown = ProviderForm {
        client_secret: None,
        ..f.clone()
    };
    match use_case::update(&state.store, state.mode(), &signed.user, &id, f.input()).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "provider_saved"))),
        Err(e @ (AppError::Forbidden | AppError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let action = format!("{HERE}/{id}");
            let body = provider_form(ctx, &action, &shown, true, Some(&message));
            Ok((status, admin_page(ctx, HERE, ctx.t("adm.oidc"), body)).into_response())
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    use_case::delete(&state.store, state.mode(), &signed.user, &id).await?;
    Ok(nav::see_other(&nav::with_notice(HERE, "provider_deleted")))
}
