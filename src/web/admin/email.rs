//! `/admin/email`: the SMTP server this instance's email goes out through (invitations, sign-up
//! and password links), before `SMTP_URL`, and a test-send; over the use cases of
//! `/api/admin/settings/smtp`. The password is never shown: a blank one keeps it.

use axum::extract::State;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as admin_page;
use crate::app::instance_settings::{self as use_case, SmtpInput};
use crate::error::Result;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

const HERE: &str = "/admin/email";

#[derive(Deserialize, Default)]
pub struct SmtpForm {
    enabled: Option<String>,
    host: Option<String>,
    port: Option<String>,
    secure: Option<String>,
    user: Option<String>,
    password: Option<String>,
    from: Option<String>,
    from_name: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct TestForm {
    email: Option<String>,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The form as stored (the password left blank).
async fn stored(state: &AppState, m: &Member) -> Result<SmtpForm> {
    let all = use_case::smtp(&state.store, state.mode(), &m.org.user).await?;
    let get = |k: &str| all.get(k).filter(|v| !v.is_empty()).cloned();
    Ok(SmtpForm {
        enabled: get("smtp_enabled").filter(|v| v == "true"),
        host: get("smtp_host"),
        port: get("smtp_port"),
        secure: get("smtp_secure").filter(|v| v == "true"),
        user: get("smtp_user"),
        password: get("smtp_password"),
        from: get("smtp_from"),
        from_name: get("smtp_from_name"),
    })
}

fn check(name: &str, on: bool, label: &str) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.check {
            input #(id) type="checkbox" name=(name) value="true" checked[on];
            label for=(id) { (label) }
        }
    }
}

fn body(ctx: &Ctx, f: &SmtpForm, password_set: bool, to: &str, error: Option<&str>) -> Markup {
    let password_hint = if password_set {
        ctx.t("adm.email_password_kept")
    } else {
        ctx.t("adm.email_password_hint")
    };
    html! {
        p.muted { (ctx.t("adm.email_lead")) }
        (alert(error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (check("enabled", f.enabled.is_some(), ctx.t("adm.email_enabled")))
            (Field::new(ctx.t("adm.email_host"), "host").value(text(&f.host)).autocomplete("off").hint(ctx.t("adm.email_host_hint")).render())
            (Field::new(ctx.t("adm.email_port"), "port").kind("number").value(f.port.as_deref().unwrap_or("587")).render())
            (check("secure", f.secure.is_some(), ctx.t("adm.email_secure")))
            (Field::new(ctx.t("adm.email_user"), "user").value(text(&f.user)).autocomplete("off").render())
            (Field::new(ctx.t("adm.email_password"), "password").kind("password").autocomplete("new-password").hint(password_hint).render())
            (Field::new(ctx.t("adm.email_from"), "from").kind("email").value(text(&f.from)).hint(ctx.t("adm.email_from_hint")).render())
            (Field::new(ctx.t("adm.email_from_name"), "from_name").value(text(&f.from_name)).render())
            div.actions { button type="submit" { (ctx.t("adm.email_save")) } }
        }
        h3 { (ctx.t("adm.email_test_title")) }
        form.card-form method="post" action=(format!("{HERE}/test")) {
            (csrf_field(ctx))
            (Field::new(ctx.t("adm.email_test_to"), "email").kind("email").value(to).required().autocomplete("email").render())
            div.actions { button.secondary type="submit" { (ctx.t("adm.email_test_send")) } }
        }
    }
}

async fn show(
    state: &AppState,
    m: &Member,
    f: Option<SmtpForm>,
    error: Option<&str>,
) -> Result<Markup> {
    let saved = stored(state, m).await?;
    let password_set = saved.password.is_some();
    let f = f.unwrap_or(saved);
    Ok(body(
        &m.ctx,
        &f,
        password_set,
        &m.org.user.user.email,
        error,
    ))
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("adm.email")
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    let b = show(&state, &m, None, None).await?;
    Ok(admin_page(&m.ctx, HERE, title(&m.ctx), b).into_response())
}

pub async fn save(State(state): State<AppState>, m: Member, Form(f): Form<SmtpForm>) -> PageResult {
    // A form sends every field: an unticked box means "off".
    let input = SmtpInput {
        enabled: Some(f.enabled.is_some()),
        host: Some(text(&f.host).to_string()),
        port: Some(text(&f.port).to_string()),
        secure: Some(f.secure.is_some()),
        user: Some(text(&f.user).to_string()),
        password: f.password.clone(),
        from: Some(text(&f.from).to_string()),
        from_name: Some(text(&f.from_name).to_string()),
    };
    state.limits.instance_settings(m.org.user_id()).await?;
    match use_case::save_smtp(&state.store, state.mode(), &m.org.user, input).await {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(HERE, "email_saved"))),
        Err(e) => {
            let (status, message) = explain(m.ctx.lang, e);
            let b = show(&state, &m, Some(f), Some(&message)).await?;
            Ok((status, admin_page(&m.ctx, HERE, title(&m.ctx), b)).into_response())
        }
    }
}

pub async fn test(State(state): State<AppState>, m: Member, Form(f): Form<TestForm>) -> PageResult {
    state.limits.instance_settings(m.org.user_id()).await?;
    let to = f.email.as_deref();
    let user = &m.org.user;
    match use_case::test_smtp(&state.store, &state.mailer, state.mode(), user, to).await {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(HERE, "email_test_sent"))),
        Err(e) => {
            let (status, message) = explain(m.ctx.lang, e);
            let b = show(&state, &m, None, Some(&message)).await?;
            Ok((status, admin_page(&m.ctx, HERE, title(&m.ctx), b)).into_response())
        }
    }
}
