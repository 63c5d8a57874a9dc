//! What the typed fields suggest while a person types (JSON for `app.js`): their tags, their
//! folders by path, and the people and teams they may share with. Each answer holds at most a
//! handful of entries whatever the library's size, found by the database rather than by
//! loading every name.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::app::folder_paths;
use crate::app::share_names::{self, Suggestion};
use crate::app::tags;
use crate::domain::name_list::quote;
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::session::Member;

#[derive(Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// One suggestion: what the list shows, what goes into the field, what kind it is, and (for a
/// folder) its id, which the form's folder picker ticks.
#[derive(Serialize)]
struct Item {
    #[serde(skip_serializing_if = "String::is_empty")]
    id: String,
    label: String,
    value: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    detail: String,
}

/// `GET /tags/suggest?q=`: the person's tags containing `q`, those starting with it first.
pub async fn tags(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Query(query): Query<SuggestQuery>,
) -> PageResult {
    let names = tags::suggest(&state.store, &org, &query.q).await?;
    let items: Vec<Item> = names
        .into_iter()
        .map(|n| Item {
            value: quote(&n),
            label: n,
            detail: String::new(),
            id: String::new(),
        })
        .collect();
    Ok(Json(items).into_response())
}

/// `GET /folders/suggest?q=`: the paths of the person's folders whose name (or path) contains
/// `q`, those whose name starts with it first. A path goes into the field whole.
pub async fn folders(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Query(query): Query<SuggestQuery>,
) -> PageResult {
    let paths = folder_paths::suggest(&state.store, &org, &query.q).await?;
    let items: Vec<Item> = paths
        .into_iter()
        .map(|(id, p)| Item {
            id,
            value: p.clone(),
            label: p,
            detail: String::new(),
        })
        .collect();
    Ok(Json(items).into_response())
}

/// `GET /share/suggest?q=`: the teams the person may share with and the organization's people
/// whose name or email contains `q`.
pub async fn share(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(query): Query<SuggestQuery>,
) -> PageResult {
    let found = share_names::suggest(&state.store, &org, &query.q).await?;
    let items: Vec<Item> = found
        .into_iter()
        .map(|s| {
            let (name, key) = match s {
                Suggestion::Team(name) => (name, "lib.kind_team"),
                Suggestion::Person(entry) => (entry, "lib.kind_person"),
            };
            Item {
                value: quote(&name),
                label: name,
                detail: ctx.t(key).to_string(),
                id: String::new(),
            }
        })
        .collect();
    Ok(Json(items).into_response())
}
