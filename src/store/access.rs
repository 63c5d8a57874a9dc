//! Who may see what: the one place the sharing rules are written down as SQL.
//!
//! Each function returns a condition over a table alias, written with the placeholders the
//! caller names for the organization and the user, so every query that lists, counts, opens or
//! resolves bookmarks (the API here, the go-link resolver) applies exactly the same rule:
//!
//! a bookmark is visible to a user in an organization when it belongs to the organization and
//! it is theirs, or it is shared with them directly, or with a team they are in, or with all
//! teams while they are in any team, or it sits in a folder visible to them in one of those ways.

/// True when folder `f` is shared with user `u` in org `o` (directly, via a team, or with all
/// teams while the user is in a team). Does not include the user's own folders.
pub fn folder_shared_with(f: &str, o: &str, u: &str) -> String {
    format!(
        "({f}.id IN (SELECT fus.folder_id FROM folder_user_shares fus WHERE fus.org_id = {o} AND fus.user_id = {u}) \
         OR {f}.id IN (SELECT fts.folder_id FROM folder_team_shares fts JOIN team_members ftm \
             ON ftm.team_id = fts.team_id WHERE fts.org_id = {o} AND ftm.org_id = {o} AND ftm.user_id = {u}) \
         OR ({f}.share_all_teams AND {in_a_team}))",
        in_a_team = in_any_team(o, u),
    )
}

/// True when folder `f` of organization `o` is visible to user `u`.
pub fn folder_visible(f: &str, o: &str, u: &str) -> String {
    format!(
        "({f}.org_id = {o} AND ({f}.user_id = {u} OR {shared}))",
        shared = folder_shared_with(f, o, u)
    )
}

/// True when bookmark `b` is shared with user `u` in org `o` by any route (not counting their own).
pub fn bookmark_shared_with(b: &str, o: &str, u: &str) -> String {
    format!(
        "({b}.id IN (SELECT bus.bookmark_id FROM bookmark_user_shares bus WHERE bus.org_id = {o} AND bus.user_id = {u}) \
         OR {b}.id IN (SELECT bts.bookmark_id FROM bookmark_team_shares bts JOIN team_members btm \
             ON btm.team_id = bts.team_id WHERE bts.org_id = {o} AND btm.org_id = {o} AND btm.user_id = {u}) \
         OR ({b}.share_all_teams AND {in_a_team}) \
         OR {b}.id IN (SELECT bf.bookmark_id FROM bookmark_folders bf JOIN folders sf ON sf.id = bf.folder_id \
             WHERE sf.org_id = {o} AND {folder}))",
        in_a_team = in_any_team(o, u),
        folder = folder_shared_with("sf", o, u),
    )
}

/// The ids of others' bookmarks shared with user `u` in org `o` by any route (the same rule as
/// [`bookmark_shared_with`]), written as a set to start from: a list that would otherwise walk
/// the whole organization's bookmarks looking for the few shared with someone reads these. It
/// may hold some of `u`'s own, which the caller leaves out by owner.
pub fn others_bookmark_ids_shared_with(o: &str, u: &str) -> String {
    format!(
        "SELECT bus.bookmark_id FROM bookmark_user_shares bus WHERE bus.org_id = {o} AND bus.user_id = {u} \
         UNION SELECT bts.bookmark_id FROM bookmark_team_shares bts JOIN team_members btm \
             ON btm.team_id = bts.team_id WHERE bts.org_id = {o} AND btm.org_id = {o} AND btm.user_id = {u} \
         UNION SELECT sa.id FROM bookmarks sa WHERE sa.org_id = {o} AND sa.share_all_teams = TRUE \
             AND sa.user_id <> {u} AND {in_a_team} \
         UNION SELECT bf.bookmark_id FROM bookmark_folders bf WHERE bf.folder_id IN ( \
             SELECT fus.folder_id FROM folder_user_shares fus JOIN folders sf ON sf.id = fus.folder_id \
               WHERE fus.org_id = {o} AND fus.user_id = {u} AND sf.user_id <> {u} \
             UNION SELECT fts.folder_id FROM folder_team_shares fts JOIN team_members ftm \
               ON ftm.team_id = fts.team_id JOIN folders sf ON sf.id = fts.folder_id \
               WHERE fts.org_id = {o} AND ftm.org_id = {o} AND ftm.user_id = {u} AND sf.user_id <> {u} \
             UNION SELECT sf.id FROM folders sf WHERE sf.org_id = {o} AND sf.share_all_teams = TRUE \
               AND sf.user_id <> {u} AND {in_a_team})",
        in_a_team = in_any_team(o, u),
    )
}

/// True when bookmark `b` of organization `o` is visible to user `u`: the rule the go-link
/// resolver reuses (own first, then shared, is its order of preference, not of visibility).
pub fn bookmark_visible(b: &str, o: &str, u: &str) -> String {
    format!(
        "({b}.org_id = {o} AND ({b}.user_id = {u} OR {shared}))",
        shared = bookmark_shared_with(b, o, u)
    )
}

/// True when the owner of bookmark `b` has shared it with anyone (people, teams, all teams, or
/// through a shared folder).
pub fn bookmark_is_shared(b: &str) -> String {
    format!(
        "({b}.share_all_teams \
         OR EXISTS (SELECT 1 FROM bookmark_user_shares x WHERE x.bookmark_id = {b}.id) \
         OR EXISTS (SELECT 1 FROM bookmark_team_shares x WHERE x.bookmark_id = {b}.id) \
         OR EXISTS (SELECT 1 FROM bookmark_folders x JOIN folders xf ON xf.id = x.folder_id \
             WHERE x.bookmark_id = {b}.id AND {folder}))",
        folder = folder_is_shared("xf")
    )
}

/// True when the owner of folder `f` has shared it with anyone.
pub fn folder_is_shared(f: &str) -> String {
    format!(
        "({f}.share_all_teams \
         OR EXISTS (SELECT 1 FROM folder_user_shares y WHERE y.folder_id = {f}.id) \
         OR EXISTS (SELECT 1 FROM folder_team_shares y WHERE y.folder_id = {f}.id))"
    )
}

fn in_any_team(o: &str, u: &str) -> String {
    format!("EXISTS (SELECT 1 FROM team_members atm WHERE atm.org_id = {o} AND atm.user_id = {u})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_use_only_the_placeholders_given() {
        let sql = bookmark_visible("b", "$1", "$2");
        assert!(sql.contains("b.org_id = $1"));
        assert!(!sql.contains("$3"));
        assert_eq!(sql.matches('(').count(), sql.matches(')').count());
    }
}
