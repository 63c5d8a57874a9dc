//! `/admin/settings`: the instance organization's key/value settings, over the use cases of
//! `/api/admin/settings`. Secret values (`*_secret`, `*_password`, `*_key`) show masked, and
//! saving the mask back keeps the stored value.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as admin_page;
use crate::app::{admin_users, org_settings};
use crate::error::Result;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

const HERE: &str = "/admin/settings";

#[derive(Deserialize, Default)]
pub struct SettingForm {
    key: Option<String>,
    value: Option<String>,
}

fn setting_row(ctx: &Ctx, key: &str, value: &str) -> Markup {
    let id = format!("v-{key}");
    html! {
        li.card {
            form.row method="post" action=(HERE) {
                (csrf_field(ctx))
                input type="hidden" name="key" value=(key);
                div.field {
                    label for=(id) { code { (key) } }
                    input #(id) name="value" value=(value) autocomplete="off";
                }
                button.secondary type="submit" { (ctx.t("adm.save")) span.visually-hidden { " " (key) } }
            }
            form.inline method="post" action=(format!("{HERE}/{key}/delete")) {
                (csrf_field(ctx))
                button.danger type="submit" { (ctx.t("adm.setting_delete")) span.visually-hidden { " " (key) } }
            }
        }
    }
}

async fn body(
    state: &AppState,
    m: &Member,
    f: &SettingForm,
    error: Option<&str>,
) -> Result<Markup> {
    let ctx = &m.ctx;
    let all = org_settings::all(&state.store, &m.org).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(html! {
        p.muted { (ctx.t("adm.settings_lead")) }
        (alert(error))
        @if all.is_empty() { p role="status" { (ctx.t("adm.settings_none")) } }
        ul.provider-list { @for (k, v) in &all { (setting_row(ctx, k, v)) } }
        h3 { (ctx.t("adm.setting_add_title")) }
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("adm.setting_key"), "key").value(&text(&f.key)).required().autocomplete("off").hint(ctx.t("adm.setting_key_hint")).render())
            (Field::new(ctx.t("adm.setting_value"), "value").value(&text(&f.value)).autocomplete("off").render())
            div.actions { button type="submit" { (ctx.t("adm.setting_add")) } }
        }
    })
}

fn admin_only(state: &AppState, m: &Member) -> Result<()> {
    admin_users::require_admin(state.mode(), &m.org.user)
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    admin_only(&state, &m)?;
    let b = body(&state, &m, &SettingForm::default(), None).await?;
    Ok(admin_page(&m.ctx, HERE, m.ctx.t("adm.settings"), b).into_response())
}

/// Adds or changes one setting.
pub async fn save(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<SettingForm>,
) -> PageResult {
    admin_only(&state, &m)?;
    let key = f.key.clone().unwrap_or_default();
    let value = f.value.clone().unwrap_or_default();
    match org_settings::put(&state.store, &m.org, key.trim(), &value).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "setting_saved"))),
        Err(e) => {
            let (status, message) = explain(m.ctx.lang, e);
            let b = body(&state, &m, &f, Some(&message)).await?;
            Ok((status, admin_page(&m.ctx, HERE, m.ctx.t("adm.settings"), b)).into_response())
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    m: Member,
    Path(key): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    admin_only(&state, &m)?;
    org_settings::delete(&state.store, &m.org, &key).await?;
    Ok(nav::see_other(&nav::with_notice(HERE, "setting_deleted")))
}
