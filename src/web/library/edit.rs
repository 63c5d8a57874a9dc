//! The bookmark form (new and edit, with folders, tags and sharing) and deleting with a
//! confirmation page.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::sharing::{self, LinkInput};
use crate::app::tenancy::CurrentOrg;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{folders, tags};
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

/// What the form shows: typed values (kept when a save is refused) and the ticked links.
#[derive(Deserialize, Default, Clone)]
pub struct BookmarkForm {
    title: Option<String>,
    url: Option<String>,
    slug: Option<String>,
    forwarding_enabled: Option<String>,
    pinned: Option<String>,
    #[serde(default)]
    folder_ids: Vec<String>,
    #[serde(default)]
    tag_ids: Vec<String>,
    #[serde(default)]
    user_ids: Vec<String>,
    #[serde(default)]
    team_ids: Vec<String>,
}

impl BookmarkForm {
    fn from_view(b: &BookmarkView) -> Self {
        let r = &b.row;
        BookmarkForm {
            title: Some(r.title.clone()),
            url: Some(r.url.clone()),
            slug: r.slug.clone(),
            forwarding_enabled: r.forwarding_enabled.then(|| "true".into()),
            pinned: r.pinned.then(|| "true".into()),
            folder_ids: b.folders.iter().map(|l| l.id.clone()).collect(),
            tag_ids: b.tags.iter().map(|l| l.id.clone()).collect(),
            user_ids: b.shared.users.iter().map(|l| l.id.clone()).collect(),
            team_ids: b.shared.teams.iter().map(|l| l.id.clone()).collect(),
        }
    }

    fn input(self) -> BookmarkInput {
        let slug = self.slug.map(|s| s.trim().to_string());
        BookmarkInput {
            // Blank fields arrive as absent; on an edit, absent would mean "leave it".
            title: Some(self.title.unwrap_or_default()),
            url: Some(self.url.unwrap_or_default()),
            slug: Some(slug.filter(|s| !s.is_empty())),
            forwarding_enabled: Some(self.forwarding_enabled.is_some()),
            pinned: Some(self.pinned.is_some()),
            links: LinkInput {
                folder_ids: Some(self.folder_ids),
                tag_ids: Some(self.tag_ids),
                tag_names: None,
                team_ids: Some(self.team_ids),
                user_ids: Some(self.user_ids),
                share_all_teams: None,
            },
        }
    }
}

/// The choices the form offers: the person's folders and tags, and whom they can share with.
struct Choices {
    folders: Vec<(String, String)>,
    tags: Vec<(String, String)>,
    people: Vec<(String, String)>,
    teams: Vec<(String, String)>,
}

async fn choices(state: &AppState, org: &CurrentOrg) -> Result<Choices, AppError> {
    let mut db = state.store.read().await?;
    let c = &mut db.conn();
    let folders = folders::list(c, org.id(), org.user_id())
        .await?
        .into_iter()
        .filter(|f| f.user_id == org.user_id())
        .map(|f| (f.id, f.name))
        .collect();
    let tags = tags::list(c, org.id(), org.user_id())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    drop(db);
    let (people, teams) = share_targets(state, org).await?;
    Ok(Choices {
        folders,
        tags,
        people,
        teams,
    })
}

/// Whom the person can share with in their organization, as the API accepts it: people (`id`,
/// "name <email>") and teams.
pub(super) async fn share_targets(
    state: &AppState,
    org: &CurrentOrg,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), AppError> {
    let t = sharing::targets(&state.store, org).await?;
    let people = t
        .people
        .into_iter()
        .map(|p| (p.id, format!("{} <{}>", p.name, p.email)))
        .collect();
    let teams = t.teams.into_iter().map(|t| (t.id, t.name)).collect();
    Ok((people, teams))
}

fn boxes(
    name: &str,
    legend: &str,
    options: &[(String, String)],
    ticked: &[String],
    empty: &str,
) -> Markup {
    html! {
        fieldset {
            legend { (legend) }
            @if options.is_empty() { p.muted { (empty) } }
            @for (i, (id, label)) in options.iter().enumerate() {
                div.check {
                    input type="checkbox" name=(name) value=(id) id=(format!("{name}-{i}")) checked[ticked.contains(id)];
                    label for=(format!("{name}-{i}")) { (label) }
                }
            }
        }
    }
}

fn form(ctx: &Ctx, action: &str, f: &BookmarkForm, ch: &Choices, error: Option<&str>) -> Markup {
    html! {
        (alert(error))
        form.card-form method="post" action=(action) {
            (csrf_field(ctx))
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
            (boxes("folder_ids", ctx.t("lib.folders"), &ch.folders, &f.folder_ids, ctx.t("lib.no_folders")))
            (boxes("tag_ids", ctx.t("lib.tags"), &ch.tags, &f.tag_ids, ctx.t("lib.no_tags")))
            (boxes("user_ids", ctx.t("lib.share_people"), &ch.people, &f.user_ids, ctx.t("lib.no_people")))
            (boxes("team_ids", ctx.t("lib.share_teams"), &ch.teams, &f.team_ids, ctx.t("lib.no_teams")))
            div.actions {
                button type="submit" { (ctx.t("lib.save")) }
                a href="/bookmarks" { (ctx.t("lib.cancel")) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Prefill {
    url: Option<String>,
    title: Option<String>,
    slug: Option<String>,
}

/// `/bookmarks/new?url=…&title=…&slug=…`: the form, filled in (the bookmarklet and the go-link
/// 404 page send people here).
pub async fn new_page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(prefill): Query<Prefill>,
) -> PageResult {
    let ch = choices(&state, &org).await?;
    let f = BookmarkForm {
        title: prefill.title,
        url: prefill.url,
        forwarding_enabled: prefill.slug.is_some().then(|| "true".into()),
        slug: prefill.slug,
        ..Default::default()
    };
    let body = html! { h1 { (ctx.t("lib.new")) } (form(&ctx, "/bookmarks/new", &f, &ch, None)) };
    Ok(layout::page(&ctx, ctx.t("lib.new"), body).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(f): Form<BookmarkForm>,
) -> PageResult {
    match use_case::create(&state.store, &state.link_checker, &org, f.clone().input()).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/bookmarks", "created"))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let ch = choices(&state, &org).await?;
            let body = html! { h1 { (ctx.t("lib.new")) } (form(&ctx, "/bookmarks/new", &f, &ch, Some(&message))) };
            Ok((status, layout::page(&ctx, ctx.t("lib.new"), body)).into_response())
        }
    }
}

async fn own(state: &AppState, org: &CurrentOrg, id: &str) -> Result<BookmarkView, AppError> {
    let mut db = state.store.read().await?;
    use_case::view_owned(&mut db.conn(), org, id).await
}

pub async fn edit_page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
) -> PageResult {
    let b = own(&state, &org, &id).await?;
    let ch = choices(&state, &org).await?;
    let action = format!("/bookmarks/{}/edit", b.row.id);
    let body = html! {
        h1 { (ctx.tf("lib.edit_title", &[("title", &b.row.title)])) }
        (form(&ctx, &action, &BookmarkForm::from_view(&b), &ch, None))
    };
    Ok(layout::page(&ctx, ctx.t("lib.edit"), body).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
    Form(f): Form<BookmarkForm>,
) -> PageResult {
    match use_case::update(
        &state.store,
        &state.link_checker,
        &org,
        &id,
        f.clone().input(),
    )
    .await
    {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/bookmarks", "saved"))),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => Err(e.into()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let ch = choices(&state, &org).await?;
            let action = format!("/bookmarks/{id}/edit");
            let body =
                html! { h1 { (ctx.t("lib.edit")) } (form(&ctx, &action, &f, &ch, Some(&message))) };
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
