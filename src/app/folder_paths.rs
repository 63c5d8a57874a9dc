//! Folders by their path ("Reading › Ebooks"): how a person names a folder by typing (the
//! bookmark form, the list's filter, the bulk move), what is suggested while they type, and the
//! paths shown for folders already chosen. Only the person's own folders are named this way:
//! a bookmark goes into its owner's folders. One lean query of `(id, name, parent_id)` whatever
//! the pages show, so no page lists every folder.

use std::collections::HashMap;

use crate::app::tags::SUGGESTIONS;
use crate::app::tenancy::CurrentOrg;
use crate::domain::folder_tree::{self, Node, SEPARATOR};
use crate::error::Result;
use crate::store::{folders, Conn, Store};

/// Why a typed folder names no single folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// No folder has that path or name.
    Unknown(String),
    /// Several folders have that name; `example` is one of their paths.
    Several { name: String, example: String },
}

/// `(id, path)` of every folder the person owns, ordered as a tree.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>, org: &CurrentOrg) -> Result<Vec<(String, String)>> {
    let rows = folders::own_tree(c, org.id(), org.user_id()).await?;
    let nodes: Vec<Node> = rows
        .iter()
        .map(|(id, name, parent_id)| Node {
            id,
            name,
            parent_id: parent_id.as_deref(),
        })
        .collect();
    Ok(folder_tree::paths(&nodes))
}

/// The paths of `ids` that are the person's folders (others are left out): the folders above
/// each are followed up, so this costs the same whatever the number of folders.
pub async fn of(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    ids: &[String],
) -> Result<HashMap<String, String>> {
    let mut chains = Vec::with_capacity(ids.len());
    let mut wanted: Vec<String> = ids.to_vec();
    for id in ids {
        let above = folders::ancestors(c, org.id(), id).await?;
        wanted.extend(above.iter().cloned());
        chains.push((id, above));
    }
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let names: HashMap<String, String> = folders::own_names(c, org.id(), org.user_id(), &wanted)
        .await?
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for (id, above) in chains {
        let Some(name) = names.get(id) else { continue };
        let mut path: Vec<&str> = above
            .iter()
            .rev()
            .filter_map(|a| names.get(a).map(String::as_str))
            .collect();
        path.push(name);
        out.insert(id.clone(), path.join(SEPARATOR));
    }
    Ok(out)
}

/// How a list names folder `id`: its path when it is the person's, its name when it is shared
/// with them, `None` when they cannot see it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn label(c: &mut Conn<'_>, org: &CurrentOrg, id: &str) -> Result<Option<String>> {
    let Some(folder) = folders::visible(c, org.id(), org.user_id(), id).await? else {
        return Ok(None);
    };
    if folder.user_id != org.user_id() {
        return Ok(Some(folder.name));
    }
    Ok(of(c, org, &[folder.id]).await?.into_values().next())
}

/// The names of a typed path: split at `›` (or `>`), each trimmed, blanks dropped.
fn segments(text: &str) -> Vec<String> {
    text.split(['›', '>'])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Which of `paths` the typed `text` names: a whole path (any letter case, `>` for `›`), or a
/// name that only one folder has.
pub fn choose(paths: &[(String, String)], text: &str) -> std::result::Result<String, Unresolved> {
    let wanted = segments(text);
    let unknown = || Unresolved::Unknown(text.trim().to_string());
    if wanted.is_empty() {
        return Err(unknown());
    }
    let split = |path: &str| -> Vec<String> {
        path.split(SEPARATOR)
            .map(|s| s.trim().to_lowercase())
            .collect()
    };
    if let Some((id, _)) = paths.iter().find(|(_, p)| split(p) == wanted) {
        return Ok(id.clone());
    }
    if wanted.len() > 1 {
        return Err(unknown());
    }
    let named: Vec<&(String, String)> = paths
        .iter()
        .filter(|(_, p)| split(p).last() == wanted.last())
        .collect();
    match named.as_slice() {
        [] => Err(unknown()),
        [(id, _)] => Ok(id.clone()),
        [(_, example), ..] => Err(Unresolved::Several {
            name: text.trim().to_string(),
            example: example.clone(),
        }),
    }
}

/// The folder `text` names (see [`choose`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    text: &str,
) -> Result<std::result::Result<String, Unresolved>> {
    Ok(choose(&all(c, org).await?, text))
}

/// Up to [`SUGGESTIONS`] folders `(id, path)` for what is typed: folders whose name contains it (those whose
/// name starts with it first), or whose path does; nothing for a blank `q`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest(store: &Store, org: &CurrentOrg, q: &str) -> Result<Vec<(String, String)>> {
    let needle = q.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut db = store.read().await?;
    let paths = all(&mut db.conn(), org).await?;
    Ok(rank(paths, &needle, SUGGESTIONS as usize))
}

/// As [`suggest`], up to 100 of them: the folder page's search.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest_many(
    store: &Store,
    org: &CurrentOrg,
    q: &str,
) -> Result<Vec<(String, String)>> {
    let needle = q.trim().to_lowercase();
    let mut db = store.read().await?;
    let paths = all(&mut db.conn(), org).await?;
    Ok(rank(paths, &needle, 100))
}

fn rank(paths: Vec<(String, String)>, needle: &str, most: usize) -> Vec<(String, String)> {
    let wanted = segments(needle).join(SEPARATOR);
    let mut found: Vec<(u8, (String, String))> = paths
        .into_iter()
        .filter_map(|(id, path)| {
            let lower = path.to_lowercase();
            let name = lower.rsplit(SEPARATOR).next().unwrap_or("");
            let score = if name.starts_with(&wanted) {
                0
            } else if name.contains(&wanted) {
                1
            } else if lower.contains(&wanted) {
                2
            } else {
                return None;
            };
            Some((score, (id, path)))
        })
        .collect();
    // Stable: within a score the tree's order stays.
    found.sort_by_key(|(score, _)| *score);
    found.into_iter().take(most).map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Vec<(String, String)> {
        [
            ("1", "Reading"),
            ("2", "Reading › Ebooks"),
            ("3", "Work"),
            ("4", "Work › Ebooks"),
            ("5", "Work › Notes"),
        ]
        .iter()
        .map(|(i, p)| (i.to_string(), p.to_string()))
        .collect()
    }

    #[test]
    fn a_path_or_a_name_only_one_folder_has_names_it() {
        assert_eq!(choose(&paths(), "reading > ebooks"), Ok("2".into()));
        assert_eq!(choose(&paths(), " Work › Notes "), Ok("5".into()));
        assert_eq!(choose(&paths(), "notes"), Ok("5".into()));
        assert_eq!(choose(&paths(), "Work"), Ok("3".into()));
    }

    #[test]
    fn a_shared_name_asks_for_the_path_and_nothing_is_guessed() {
        assert_eq!(
            choose(&paths(), "Ebooks"),
            Err(Unresolved::Several {
                name: "Ebooks".into(),
                example: "Reading › Ebooks".into()
            })
        );
        assert_eq!(
            choose(&paths(), "Work › Ebook"),
            Err(Unresolved::Unknown("Work › Ebook".into()))
        );
        assert_eq!(
            choose(&paths(), " › "),
            Err(Unresolved::Unknown("›".into()))
        );
    }

    #[test]
    fn suggestions_put_names_that_start_with_the_text_first() {
        let found: Vec<String> = rank(paths(), "e", 10).into_iter().map(|(_, p)| p).collect();
        assert_eq!(found[0], "Reading › Ebooks");
        assert_eq!(found[1], "Work › Ebooks");
        assert!(found.contains(&"Work › Notes".to_string()));
        assert_eq!(
            rank(paths(), "work > no", 10),
            vec![("5".into(), "Work › Notes".into())]
        );
    }
}
