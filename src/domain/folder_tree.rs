//! Folders as a tree: each folder's path from the top ("Reading › Ebooks"), which is how a
//! person tells two folders of the same name apart when choosing one.

use std::collections::{HashMap, HashSet};

/// What separates the names in a path.
pub const SEPARATOR: &str = " › ";

/// One folder as the tree needs it.
#[derive(Clone, Copy, Debug)]
pub struct Node<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The folder it sits in; `None` (or a folder not among those given) puts it at the top.
    pub parent_id: Option<&'a str>,
}

/// `(id, path)` of every folder, ordered by path whatever the letter case (so a folder comes
/// right before what it holds). A parent chain that loops is cut where it comes back.
pub fn paths(nodes: &[Node<'_>]) -> Vec<(String, String)> {
    let by_id: HashMap<&str, &Node> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut out: Vec<(String, Vec<&str>)> = nodes
        .iter()
        .map(|n| {
            let mut names = vec![n.name];
            let mut seen = HashSet::from([n.id]);
            let mut at = n.parent_id;
            while let Some(parent) = at.and_then(|p| by_id.get(p)) {
                if !seen.insert(parent.id) {
                    break;
                }
                names.push(parent.name);
                at = parent.parent_id;
            }
            names.reverse();
            (n.id.to_string(), names)
        })
        .collect();
    // By each name in turn, so "A › B" sorts right under "A" and before "A b".
    out.sort_by_cached_key(|(id, names)| {
        let key: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        (key, id.clone())
    });
    out.into_iter()
        .map(|(id, names)| (id, names.join(SEPARATOR)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'a>(id: &'a str, name: &'a str, parent_id: Option<&'a str>) -> Node<'a> {
        Node {
            id,
            name,
            parent_id,
        }
    }

    #[test]
    fn a_path_names_every_folder_from_the_top_and_sorts_under_its_parent() {
        let nodes = [
            node("3", "Ebooks", Some("1")),
            node("1", "Reading", None),
            node("2", "reading list", None),
            node("4", "2024", Some("3")),
            node("5", "Alpha", None),
        ];
        let paths: Vec<String> = paths(&nodes).into_iter().map(|(_, p)| p).collect();
        assert_eq!(
            paths,
            [
                "Alpha",
                "Reading",
                "Reading › Ebooks",
                "Reading › Ebooks › 2024",
                "reading list"
            ]
        );
    }

    #[test]
    fn an_unknown_parent_or_a_loop_does_not_hang_or_lose_a_folder() {
        let nodes = [
            node("1", "A", Some("2")),
            node("2", "B", Some("1")),
            node("3", "C", Some("gone")),
        ];
        let got = paths(&nodes);
        assert_eq!(got.len(), 3);
        assert!(got.contains(&("1".into(), "B › A".into())));
        assert!(got.contains(&("3".into(), "C".into())));
    }
}
