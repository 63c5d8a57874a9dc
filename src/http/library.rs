//! Pieces the bookmark, folder, tag and team handlers share: fields that tell `null` from
//! absent, and the small objects embedded in responses.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

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

/// Links loaded by a use case, as the objects a response embeds.
pub fn refs<T: From<LinkRow>>(links: Vec<LinkRow>) -> Vec<T> {
    links.into_iter().map(T::from).collect()
}
