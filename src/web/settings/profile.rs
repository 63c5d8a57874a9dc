//! The profile: name, email change (confirmed by a link), language and theme.

use axum::extract::State;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as settings_page;
use crate::app::accounts::{self, ProfileEdit};
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    name: Option<String>,
    email: Option<String>,
    language: Option<String>,
    theme: Option<String>,
}

fn form(ctx: &Ctx, f: &ProfileForm, error: Option<&str>) -> Markup {
    let language = f.language.as_deref().unwrap_or("en");
    let theme = f.theme.as_deref().unwrap_or("auto");
    html! {
        (alert(error))
        form.card-form method="post" action="/settings" {
            (csrf_field(ctx))
            (Field::new(ctx.t("auth.name"), "name").value(f.name.as_deref().unwrap_or("")).required().autocomplete("name").render())
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(f.email.as_deref().unwrap_or("")).required().autocomplete("email").hint(ctx.t("set.email_hint")).render())
            div.field {
                label for="f-language" { (ctx.t("set.language")) }
                select #f-language name="language" {
                    option value="en" selected[language == "en"] { "English" }
                    option value="de" selected[language == "de"] { "Deutsch" }
                }
            }
            fieldset {
                legend { (ctx.t("set.theme")) }
                @for (value, key) in [("auto", "set.theme_auto"), ("light", "set.theme_light"), ("dark", "set.theme_dark")] {
                    div.check {
                        input type="radio" name="theme" value=(value) id=(format!("theme-{value}")) checked[theme == value];
                        label for=(format!("theme-{value}")) { (ctx.t(key)) }
                    }
                }
            }
            button type="submit" { (ctx.t("lib.save")) }
        }
    }
}

pub async fn page(Signed { user, ctx }: Signed) -> PageResult {
    let u = &user.user;
    let f = ProfileForm {
        name: Some(u.name.clone()),
        email: Some(u.email.clone()),
        language: Some(u.language.clone()),
        theme: Some(u.theme.clone()),
    };
    Ok(settings_page(
        &ctx,
        "/settings",
        ctx.t("set.profile"),
        form(&ctx, &f, None),
    )
    .into_response())
}

pub async fn save(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<ProfileForm>,
) -> PageResult {
    // A field left blank arrives as absent; the name and address are required, so blank is
    // refused rather than left as it was.
    let edit = ProfileEdit::parse(
        Some(f.name.as_deref().unwrap_or("")),
        f.language.clone(),
        f.theme.clone(),
        None,
        Some(f.email.as_deref().unwrap_or("").trim()),
        &user.user.email,
    );
    let outcome = match edit {
        Ok(edit) => accounts::update_profile(&state.store, &state.outbox(), &user, edit).await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(done) => {
            let notice = if done.pending_email.is_some() {
                "email_sent"
            } else {
                "profile_saved"
            };
            Ok(nav::see_other(&nav::with_notice("/settings", notice)))
        }
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = form(&ctx, &f, Some(&message));
            Ok((
                status,
                settings_page(&ctx, "/settings", ctx.t("set.profile"), body),
            )
                .into_response())
        }
    }
}
