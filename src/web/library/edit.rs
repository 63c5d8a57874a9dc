//! The bookmark form (new and edit) and deleting with a confirmation page.
//!
//! The form stays small whatever the library's size: tags and whom to share with are typed as
//! comma-separated names (suggested while typing when JavaScript runs, see `suggest.rs`), and
//! folders by their path (`folder_field.rs`). Nothing lists every folder, tag, person or team.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::folder_field;
use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::folder_paths;
use crate::app::share_names::{self, person_entry};
use crate::app::sharing::{self, LinkInput};
use crate::app::tenancy::CurrentOrg;
use crate::domain::name_list;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

/// What the form sends and shows: typed values, kept as typed when a save is refused.
#[derive(Deserialize, Default, Clone)]
pub struct BookmarkForm {
    title: Option<String>,
    url: Option<String>,
    slug: Option<String>,
    forwarding_enabled: Option<String>,
    pinned: Option<String>,
    /// The folders ticked.
    #[serde(default)]
    folder_ids: Vec<String>,
    /// One more folder, typed by its name or path (blank when none).
    folder: Option<String>,
    /// Tag names, comma-separated.
    tags: Option<String>,
    /// People (name, email or `Name <email>`) and teams (name), comma-separated.
    share_with: Option<String>,
    /// Where saving leads: the page the person came from (a local path only).
    return_to: Option<String>,
}

impl BookmarkForm {
    fn from_view(b: &BookmarkView) -> Self {
        let r = &b.row;
        let people: Vec<String> = b
            .shared
            .users
            .iter()
            .map(|u| person_entry(&u.name, u.extra.as_deref().unwrap_or("")))
            .collect();
        let shares = b.shared.teams.iter().map(|t| t.name.as_str());
        BookmarkForm {
            title: Some(r.title.clone()),
            url: Some(r.url.clone()),
            slug: r.slug.clone(),
            forwarding_enabled: r.forwarding_enabled.then(|| "true".into()),
            pinned: r.pinned.then(|| "true".into()),
            folder_ids: b.folders.iter().map(|l| l.id.clone()).collect(),
            tags: Some(name_list::join(b.tags.iter().map(|t| t.name.as_str()))),
            share_with: Some(name_list::join(
                shares.chain(people.iter().map(String::as_str)),
            )),
            folder: None,
            return_to: None,
        }
    }

    /// The folders ticked, each once.
    fn folders(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::with_capacity(self.folder_ids.len());
        for id in self
            .folder_ids
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty())
        {
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
        ids
    }

    /// The use case's input, with the people and teams the share field named and the folder
    /// the folder field named.
    fn input(&self, shares: share_names::Named, typed_folder: Option<String>) -> BookmarkInput {
        let mut folder_ids = self.folders();
        folder_ids.extend(typed_folder.filter(|id| !folder_ids.contains(id)));
        let slug = self.slug.as_ref().map(|s| s.trim().to_string());
        BookmarkInput {
            // Blank fields arrive as absent; on an edit, absent would mean "leave it".
            title: Some(self.title.clone().unwrap_or_default()),
            url: Some(self.url.clone().unwrap_or_default()),
            slug: Some(slug.filter(|s| !s.is_empty())),
            forwarding_enabled: Some(self.forwarding_enabled.is_some()),
            pinned: Some(self.pinned.is_some()),
            links: LinkInput {
                folder_ids: Some(folder_ids),
                tag_names: Some(name_list::split(self.tags.as_deref().unwrap_or(""))),
                team_ids: Some(shares.team_ids),
                user_ids: Some(shares.user_ids),
                ..LinkInput::default()
            },
        }
    }
}

/// The ticked folders `ids` with their paths, by path (ids that are not the person's folders
/// are left out: saving would refuse them anyway).
async fn chosen(
    state: &AppState,
    org: &CurrentOrg,
    ids: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    let mut db = state.store.read().await?;
    let paths = folder_paths::of(&mut db.conn(), org, ids).await?;
    let mut chosen: Vec<(String, String)> = ids
        .iter()
        .filter_map(|id| paths.get(id).map(|p| (id.clone(), p.clone())))
        .collect();
    chosen.sort_by_cached_key(|(_, path)| path.to_lowercase());
    Ok(chosen)
}

/// A text field of comma-separated names that suggests names from `suggest` while typing.
fn names_field(
    ctx: &Ctx,
    label: &str,
    name: &str,
    value: &str,
    hint: &str,
    suggest: &str,
) -> Markup {
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    html! {
        div.field {
            label for=(id) { (label) }
            div.combo {
                input id=(id) type="text" name=(name) value=(value) autocomplete="off"
                    spellcheck="false" aria-describedby=(hint_id) data-suggest=(suggest)
                    data-list-label=(ctx.tf("lib.suggestions", &[("field", label)]));
            }
            small id=(hint_id) { (hint) }
        }
    }
}

fn form(
    ctx: &Ctx,
    org: &CurrentOrg,
    action: &str,
    f: &BookmarkForm,
    folders: &[(String, String)],
    error: Option<&str>,
) -> Markup {
    let typed_folder = f.folder.as_deref().unwrap_or("");
    let share_hint = match sharing::their_teams(org) {
        Some(_) => ctx.t("lib.share_hint_member"),
        None => ctx.t("lib.share_hint"),
    };
    html! {
        (alert(error))
        form.card-form method="post" action=(action) {
            (csrf_field(ctx))
            @if let Some(to) = &f.return_to { input type="hidden" name="return_to" value=(to); }
            (Field::new(ctx.t("lib.title"), "title").value(f.title.as_deref().unwrap_or("")).required().render())
            (Field::new(ctx.t("lib.url"), "url").kind("url").value(f.url.as_deref().unwrap_or("")).required().render())
            (Field::new(ctx.t("lib.slug"), "slug").value(f.slug.as_deref().unwrap_or("")).hint(ctx.t("lib.slug_hint")).render())
            div.check {
                input #f-forwarding type="checkbox" name="forwarding_enabled" value="true" checked[f.forwarding_enabled.is_some()];
                label for="f-forwarding" { (ctx.t("lib.forwarding")) }
            }
            div.check {
                input #f-pinned type="checkbox" name="pinned" value="true" checked[f.pinned.is_some()];
                label for="f-pinned" { (ctx.t("lib.pin")) }
            }
            (names_field(ctx, ctx.t("lib.tags"), "tags", f.tags.as_deref().unwrap_or(""), ctx.t("lib.tags_hint"), "/tags/suggest"))
            (folder_field::picker(ctx, folders, typed_folder))
            (names_field(ctx, ctx.t("lib.share_with"), "share_with", f.share_with.as_deref().unwrap_or(""), share_hint, "/share/suggest"))
            div.actions {
                button type="submit" { (ctx.t("lib.save")) }
                a href=(f.return_to.as_deref().unwrap_or("/bookmarks")) { (ctx.t("lib.cancel")) }
            }
        }
    }
}

/// The people and teams the share field names and the folder the folder field names; `Err`
/// with the message to show when an entry names no one the person may share with, or more than
/// one, or the folder is none of theirs.
async fn typed(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    f: &BookmarkForm,
    shared_teams: &[String],
) -> Result<Result<(share_names::Named, Option<String>), String>, AppError> {
    let named = shares(state, org, ctx, f, shared_teams).await?;
    let folder = folder_field::resolve(state, org, ctx, f.folder.as_deref()).await?;
    Ok(match (named, folder) {
        (Ok(named), Ok(folder)) => Ok((named, folder)),
        (Err(a), Err(b)) => Err(format!("{a} {b}")),
        (Err(m), _) | (_, Err(m)) => Err(m),
    })
}

async fn shares(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    f: &BookmarkForm,
    shared_teams: &[String],
) -> Result<Result<share_names::Named, String>, AppError> {
    let entries = name_list::split(f.share_with.as_deref().unwrap_or(""));
    let named = share_names::resolve(&state.store, org, &entries, shared_teams).await?;
    if named.is_complete() {
        return Ok(Ok(named));
    }
    let quoted = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("“{n}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut messages = Vec::new();
    if !named.unknown.is_empty() {
        messages.push(ctx.tf("lib.share_unknown", &[("names", &quoted(&named.unknown))]));
    }
    if !named.ambiguous.is_empty() {
        messages.push(ctx.tf(
            "lib.share_ambiguous",
            &[("names", &quoted(&named.ambiguous))],
        ));
    }
    Ok(Err(messages.join(" ")))
}

#[derive(Deserialize, Default)]
pub struct Prefill {
    url: Option<String>,
    title: Option<String>,
    slug: Option<String>,
    return_to: Option<String>,
}

/// `/bookmarks/new?url=…&title=…&slug=…`: the form, filled in (the bookmarklet and the go-link
/// 404 page send people here).
pub async fn new_page(Member { org, ctx }: Member, Query(prefill): Query<Prefill>) -> PageResult {
    let f = BookmarkForm {
        title: prefill.title,
        url: prefill.url,
        forwarding_enabled: prefill.slug.is_some().then(|| "true".into()),
        slug: prefill.slug,
        return_to: Some(nav::local_or(prefill.return_to.as_deref(), "/bookmarks")),
        ..Default::default()
    };
    let body =
        html! { h1 { (ctx.t("lib.new")) } (form(&ctx, &org, "/bookmarks/new", &f, &[], None)) };
    Ok(layout::page(&ctx, ctx.t("lib.new"), body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(f): Form<BookmarkForm>,
) -> PageResult {
    let saved = match typed(&state, &org, &ctx, &f, &[]).await? {
        Ok((named, folder)) => {
            let input = f.input(named, folder);
            use_case::create(&state.store, &state.link_checker, &org, input)
                .await
                .map_err(|e| explain(ctx.lang, e))
        }
        Err(message) => Err((StatusCode::BAD_REQUEST, message)),
    };
    match saved {
        Ok(_) => {
            let to = nav::local_or(f.return_to.as_deref(), "/bookmarks");
            Ok(nav::see_other(&nav::with_notice(&to, "created")))
        }
        Err((status, message)) => {
            let folders = chosen(&state, &org, &f.folders()).await?;
            let body = html! { h1 { (ctx.t("lib.new")) } (form(&ctx, &org, "/bookmarks/new", &f, &folders, Some(&message))) };
            Ok((status, layout::page(&ctx, ctx.t("lib.new"), body)).into_response())
        }
    }
}

async fn own(state: &AppState, org: &CurrentOrg, id: &str) -> Result<BookmarkView, AppError> {
    let mut db = state.store.read().await?;
    use_case::view_owned(&mut db.conn(), org, id).await
}

#[derive(Deserialize, Default)]
pub struct ReturnTo {
    return_to: Option<String>,
}

/// `/bookmarks/{id}/edit?return_to=<path>`: the form; saving comes back to `return_to` when it
/// is a path on this site, else to the bookmark's page.
pub async fn edit_page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
    Query(back): Query<ReturnTo>,
) -> PageResult {
    let b = own(&state, &org, &id).await?;
    let action = format!("/bookmarks/{}/edit", b.row.id);
    let f = BookmarkForm {
        return_to: Some(nav::local_or(
            back.return_to.as_deref(),
            &format!("/bookmarks/{}", b.row.id),
        )),
        ..BookmarkForm::from_view(&b)
    };
    let folders = chosen(&state, &org, &f.folders()).await?;
    let body = html! {
        h1 { (ctx.tf("lib.edit_title", &[("title", &b.row.title)])) }
        (form(&ctx, &org, &action, &f, &folders, None))
    };
    Ok(layout::page(&ctx, ctx.t("lib.edit"), body).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
    Form(f): Form<BookmarkForm>,
) -> PageResult {
    // 404 or 403 before anything else, as the use case would answer.
    let b = own(&state, &org, &id).await?;
    let shared_teams: Vec<String> = b.shared.teams.iter().map(|t| t.id.clone()).collect();
    let saved = match typed(&state, &org, &ctx, &f, &shared_teams).await? {
        Ok((named, folder)) => {
            let input = f.input(named, folder);
            match use_case::update(&state.store, &state.link_checker, &org, &id, input).await {
                Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => return Err(e.into()),
                r => r.map_err(|e| explain(ctx.lang, e)),
            }
        }
        Err(message) => Err((StatusCode::BAD_REQUEST, message)),
    };
    match saved {
        Ok(b) => {
            let to = nav::local_or(f.return_to.as_deref(), &format!("/bookmarks/{}", b.row.id));
            Ok(nav::see_other(&nav::with_notice(&to, "saved")))
        }
        Err((status, message)) => {
            let folders = chosen(&state, &org, &f.folders()).await?;
            let action = format!("/bookmarks/{}/edit", b.row.id);
            let body = html! { h1 { (ctx.t("lib.edit")) } (form(&ctx, &org, &action, &f, &folders, Some(&message))) };
            Ok((status, layout::page(&ctx, ctx.t("lib.edit"), body)).into_response())
        }
    }
}

pub async fn delete_page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
) -> PageResult {
    let b = own(&state, &org, &id).await?;
    let body = html! {
        h1 { (ctx.tf("lib.delete_title", &[("title", &b.row.title)])) }
        p { (ctx.t("lib.delete_lead")) }
        p.url { (b.row.url) }
        form method="post" action=(format!("/bookmarks/{}/delete", b.row.id)) {
            (csrf_field(&ctx))
            div.actions {
                button.danger type="submit" { (ctx.t("lib.delete")) }
                a href="/bookmarks" { (ctx.t("lib.cancel")) }
            }
        }
    };
    Ok(layout::page(&ctx, ctx.t("lib.delete"), body).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    use_case::delete(&state.store, &org, &id).await?;
    Ok(nav::see_other(&nav::with_notice("/bookmarks", "deleted")))
}
