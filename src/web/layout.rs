//! The page shell every page shares, and the small pieces forms are built from.
//!
//! Theme without a flash: the server writes the profile's choice on `<html data-theme>`, and
//! the stylesheet answers `prefers-color-scheme` itself for `auto`, so no script has to run
//! before the first paint.

use axum::response::Html;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::web::assets;
use crate::web::i18n::Lang;
use crate::web::icons::{icon, Icon};
use crate::web::session::Ctx;

fn head(title: &str, csrf: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            meta name="csrf-token" content=(csrf);
            title { (title) " · SlugBase" }
            link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
            link rel="stylesheet" href=(assets::url("app.css"));
            link rel="search" type="application/opensearchdescription+xml" title="SlugBase" href="/opensearch.xml";
            script type="module" src=(assets::url("app.js")) {}
        }
    }
}

/// A whole page: header (for a signed-in person: navigation, organization switcher, palette,
/// settings and sign-out), the notice named in `?notice=`, and `main`.
pub fn page(ctx: &Ctx, title: &str, main: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) data-theme=(ctx.theme) {
            (head(title, &ctx.csrf))
            body {
                a.skip href="#main" { (ctx.t("nav.skip")) }
                (header(ctx))
                main #main.narrow[ctx.account.is_none()] tabindex="-1" {
                    (notice(ctx))
                    (main)
                }
                @if ctx.account.is_some() {
                    (palette(ctx))
                    script type="module" src=(assets::url("palette.js")) {}
                }
            }
        }
    };
    Html(markup.into_string())
}

/// A page outside the app's frame (errors): the title, a message in an alert, a way home.
pub fn bare(lang: Lang, title: &str, message: &str) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) data-theme="auto" {
            (head(title, ""))
            body.narrow {
                main #main {
                    h1 { (title) }
                    p role="alert" { (message) }
                    p { a href="/" { (lang.t("nav.home")) } }
                }
            }
        }
    };
    Html(markup.into_string())
}

fn header(ctx: &Ctx) -> Markup {
    let Some(account) = &ctx.account else {
        return html! {
            header.top {
                a.brand href="/" { (PreEscaped(LOGO)) span { "SlugBase" } }
            }
        };
    };
    let here_path = ctx.here.split('?').next().unwrap_or("/");
    let link = |href: &'static str, key: &'static str| {
        let current = if href == "/" {
            here_path == "/"
        } else {
            here_path.starts_with(href)
        };
        html! {
            li { a href=(href) aria-current=[current.then_some("page")] { (ctx.t(key)) } }
        }
    };
    // On a phone the navigation and tools fold behind one button (a <details>, so it opens
    // without a script); on a wide screen the stylesheet keeps the fold open and hides the
    // button, where the browser can style the fold (`::details-content`).
    html! {
        header.top {
            a.brand href="/" { (PreEscaped(LOGO)) span { "SlugBase" } }
            details.menu {
                summary.menu-button { (icon(Icon::Menu)) span { (ctx.t("nav.menu")) } }
                div.menu-body {
                    nav aria-label=(ctx.t("nav.main")) {
                        ul {
                            (link("/", "nav.dashboard"))
                            (link("/bookmarks", "nav.bookmarks"))
                            (link("/folders", "nav.folders"))
                            (link("/tags", "nav.tags"))
                            (link("/go-preferences", "nav.go"))
                            @if account.current_org_id.is_some() {
                                (link("/organization", "nav.org"))
                            }
                            @if !ctx.is_cloud && account.user.user.is_admin {
                                (link("/admin", "nav.admin"))
                            }
                        }
                    }
                    div.tools {
                        button.palette-open type="button" data-palette-open aria-keyshortcuts="Control+K Meta+K" {
                            (icon(Icon::Search)) span.label { (ctx.t("nav.search")) } " " kbd { "Ctrl K" }
                        }
                        @if !account.orgs.is_empty() {
                            form.org-switch method="post" action="/session/org" {
                                (csrf_field(ctx))
                                input type="hidden" name="redirect" value=(ctx.here);
                                label for="org-switch" { (ctx.t("nav.organization")) }
                                select #org-switch name="organizationId" data-autosubmit {
                                    @for o in &account.orgs {
                                        option value=(o.id) selected[Some(o.id.as_str()) == account.current_org_id.as_deref()] { (o.name) }
                                    }
                                }
                                button.secondary type="submit" { (ctx.t("nav.switch")) }
                            }
                        }
                        a.person href="/settings" title=(account.user.user.name) aria-current=[here_path.starts_with("/settings").then_some("page")] {
                            span.avatar aria-hidden="true" { (initials(&account.user.user.name)) }
                            span.label { (account.user.user.name) }
                        }
                        form method="post" action="/logout" {
                            (csrf_field(ctx))
                            button.secondary.sign-out type="submit" title=(ctx.t("nav.sign_out")) { (icon(Icon::SignOut)) span.label { (ctx.t("nav.sign_out")) } }
                        }
                    }
                }
            }
        }
    }
}

/// Up to two letters for a name's round badge in the header ("Ada Lovelace" → "AL").
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The Ctrl/⌘+K palette: filled and driven by `palette.js`.
fn palette(ctx: &Ctx) -> Markup {
    html! {
        dialog #palette aria-label=(ctx.t("palette.title")) {
            form method="dialog" role="search" {
                label for="palette-input" { (ctx.t("palette.label")) }
                input #palette-input type="search" name="q" autocomplete="off" spellcheck="false"
                    role="combobox" aria-expanded="true" aria-controls="palette-results"
                    aria-autocomplete="list" placeholder=(ctx.t("palette.placeholder"));
            }
            ul #palette-results role="listbox" aria-label=(ctx.t("palette.results")) {}
            p #palette-status.palette-status role="status" data-loading=(ctx.t("palette.loading"))
                data-none=(ctx.t("palette.none")) data-failed=(ctx.t("palette.failed")) {}
            p.hint { (ctx.t("palette.hint")) }
        }
    }
}

/// The hidden CSRF field of a form.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(crate::web::form::FIELD) value=(ctx.csrf); }
}

/// The message `?notice=<key>` names, if the catalogue has it, in a status region.
fn notice(ctx: &Ctx) -> Markup {
    let key = ctx.here.split_once('?').and_then(|(_, q)| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "notice")
            .map(|(_, v)| format!("notice.{v}"))
    });
    match key {
        Some(k) if ctx.lang.has(&k) => html! { p.notice role="status" { (ctx.t(&k)) } },
        _ => html! {},
    }
}

/// An error a form was refused with, announced to screen readers.
pub fn alert(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message { p.alert role="alert" { (m) } }
    }
}

/// A page with sections (settings, administration): the group's heading, the sections as a
/// sub-navigation with `current` marked, then the section's title and body.
pub fn sectioned(
    ctx: &Ctx,
    heading: &str,
    sections: &[(&str, &str)],
    current: &str,
    title: &str,
    body: Markup,
) -> Html<String> {
    page(
        ctx,
        title,
        html! {
            h1 { (heading) }
            nav.subnav aria-label=(heading) {
                ul {
                    @for (href, key) in sections {
                        li { a href=(href) aria-current=[(*href == current).then_some("page")] { (ctx.t(key)) } }
                    }
                }
            }
            h2 { (title) }
            (body)
        },
    )
}

/// A labelled input.
pub struct Field<'a> {
    pub label: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
    pub hint: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(label: &'a str, name: &'a str) -> Self {
        Field {
            label,
            name,
            kind: "text",
            value: "",
            required: false,
            autocomplete: None,
            hint: None,
        }
    }
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }
    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, v: &'a str) -> Self {
        self.autocomplete = Some(v);
        self
    }
    pub fn hint(mut self, v: &'a str) -> Self {
        self.hint = Some(v);
        self
    }

    pub fn render(&self) -> Markup {
        let id = format!("f-{}", self.name);
        let hint_id = format!("{id}-hint");
        html! {
            div.field {
                label for=(id) { (self.label) }
                input id=(id) type=(self.kind) name=(self.name) value=(self.value)
                    required[self.required] autocomplete=[self.autocomplete]
                    aria-describedby=[self.hint.map(|_| hint_id.as_str())];
                @if let Some(h) = self.hint { small id=(hint_id) { (h) } }
            }
        }
    }
}

const LOGO: &str = r##"<svg aria-hidden="true" width="24" height="24" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="currentColor"/><path d="M9 20.5c0 2 1.8 3.5 4.6 3.5 3 0 4.9-1.6 4.9-4 0-2.2-1.4-3.2-4-3.9l-1.3-.3c-1.4-.4-2-.8-2-1.6 0-.9.8-1.5 2.1-1.5 1.4 0 2.3.7 2.4 1.8h2.5c-.1-2.3-2-4-4.9-4-2.8 0-4.6 1.6-4.6 3.9 0 2 1.2 3.2 3.7 3.8l1.4.3c1.5.4 2.2.9 2.2 1.7 0 1-.9 1.6-2.4 1.6-1.5 0-2.5-.7-2.6-1.9H9zM21 12h2.5v12H21z" fill="var(--bg)"/></svg>"##;
