//! Pieces the bookmark, folder, tag and team handlers share: id lists in bodies, fields that
//! tell `null` from absent, and the small objects embedded in responses.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::parse_id;
use crate::error::{AppError, Result};
use crate::store::bookmark_list::LinkRow;

/// A field that may be absent (leave unchanged), `null` (clear) or a value:
/// `#[serde(default, deserialize_with = "nullable")]` on an `Option<Option<T>>`.
pub fn nullable<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A list of ids from a body, deduplicated; any entry that is not a UUID is a 400 naming `field`.
pub fn id_list(raw: Option<&Vec<String>>, field: &str) -> Result<Option<Vec<String>>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let mut seen = BTreeSet::new();
    for r in raw {
        let id = parse_id(r.trim())
            .ok_or_else(|| AppError::bad_request(format!("{field} contains an invalid id")))?;
        seen.insert(id);
    }
    Ok(Some(seen.into_iter().collect()))
}

/// The people a body shares with: valid ids, without the caller (sharing with oneself means
/// nothing, so it is dropped rather than refused).
pub fn share_user_ids(raw: Option<&Vec<String>>, me: &str) -> Result<Option<Vec<String>>> {
    let mut users = id_list(raw, "user_ids")?;
    if let Some(u) = users.as_mut() {
        u.retain(|id| id != me);
    }
    Ok(users)
}

/// The id in a path, or the resource's 404 when it is not even a UUID.
pub fn path_id(raw: &str, missing: fn() -> AppError) -> Result<String> {
    parse_id(raw).ok_or_else(missing)
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct TagRef {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct FolderRef {
    pub id: String,
    pub name: String,
    pub icon: Option<String>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct TeamRef {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
    pub email: String,
}

impl From<LinkRow> for TagRef {
    fn from(r: LinkRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
        }
    }
}

impl From<LinkRow> for TeamRef {
    fn from(r: LinkRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
        }
    }
}

impl From<LinkRow> for FolderRef {
    fn from(r: LinkRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            icon: r.extra,
        }
    }
}

impl From<crate::store::teams::Person> for PersonRef {
    fn from(p: crate::store::teams::Person) -> Self {
        Self {
            id: p.id,
            name: p.name,
            email: p.email,
        }
    }
}

impl From<LinkRow> for PersonRef {
    fn from(r: LinkRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            email: r.extra.unwrap_or_default(),
        }
    }
}

/// Takes the links of `id` out of a map loaded for a page, converted for the response.
pub fn take<T: From<LinkRow>>(map: &mut crate::store::bookmark_list::Links, id: &str) -> Vec<T> {
    map.remove(id)
        .unwrap_or_default()
        .into_iter()
        .map(T::from)
        .collect()
}

/// Links loaded by a use case, as the objects a response embeds.
pub fn refs<T: From<LinkRow>>(links: Vec<LinkRow>) -> Vec<T> {
    links.into_iter().map(T::from).collect()
}
