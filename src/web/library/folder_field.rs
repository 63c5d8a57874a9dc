//! Choosing a folder by typing it: its name or its path ("Reading › Ebooks"), suggested while
//! typing when JavaScript runs (`/folders/suggest`), read by the server either way. The list's
//! filter, the bulk move and the bookmark form use it, so no page lists every folder.

use maud::{html, Markup};

use crate::app::folder_paths::{self, Unresolved};
use crate::app::tenancy::CurrentOrg;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::session::Ctx;

/// What a person is told when `text` names no single folder of theirs.
pub fn unresolved(ctx: &Ctx, why: &Unresolved) -> String {
    match why {
        Unresolved::Unknown(name) => ctx.tf("lib.folder_unknown", &[("name", name)]),
        Unresolved::Several { name, example } => ctx.tf(
            "lib.folder_several",
            &[("name", name), ("example", example)],
        ),
    }
}

/// The folder `text` names: `None` for a blank field, `Err` with the message to show when it
/// names none or several.
pub async fn resolve(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    text: Option<&str>,
) -> Result<Result<Option<String>, String>, AppError> {
    let text = text.map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Ok(Ok(None));
    }
    let mut db = state.store.read().await?;
    Ok(folder_paths::resolve(&mut db.conn(), org, text)
        .await?
        .map(Some)
        .map_err(|why| unresolved(ctx, &why)))
}

/// A text field for one folder, `name`d, holding `value` (a path). `id_field` is the hidden
/// field holding the folder's id alongside, if any (see `data-id-field` in `app.js`).
pub fn single(
    ctx: &Ctx,
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    id_field: Option<&str>,
) -> Markup {
    let hint = format!("{id}-hint");
    html! {
        div.field {
            label for=(id) { (label) }
            div.combo {
                input id=(id) type="text" name=(name) value=(value) autocomplete="off"
                    spellcheck="false" aria-describedby=(hint) data-suggest="/folders/suggest"
                    data-single data-id-field=[id_field] data-list-label=(ctx.tf("lib.suggestions", &[("field", label)]));
            }
            small.visually-hidden id=(hint) { (ctx.t("lib.folder_path_hint")) }
        }
    }
}

/// The bookmark form's folders: those chosen (`(id, path)`), each a ticked box to untick, then
/// a field to add one more by typing it. With JavaScript a folder taken from the suggestions
/// is ticked at once, so a bookmark can go into several before it is saved.
pub fn picker(ctx: &Ctx, chosen: &[(String, String)], typed: &str) -> Markup {
    html! {
        fieldset.folder-picker {
            legend { (ctx.t("lib.folders")) }
            ul.chips.chosen #f-folders-chosen hidden[chosen.is_empty()] {
                @for (i, (id, path)) in chosen.iter().enumerate() {
                    li {
                        label.chip-check for=(format!("f-folder-{i}")) {
                            input type="checkbox" name="folder_ids" value=(id) id=(format!("f-folder-{i}")) checked;
                            (path)
                        }
                    }
                }
            }
            div.field {
                label for="f-folder" { (ctx.t("lib.folder_add")) }
                div.combo {
                    input #f-folder type="text" name="folder" value=(typed) autocomplete="off"
                        spellcheck="false" aria-describedby="f-folder-hint"
                        data-suggest="/folders/suggest" data-single data-chosen="f-folders-chosen"
                        data-added=(ctx.t("lib.folder_added"))
                        data-list-label=(ctx.tf("lib.suggestions", &[("field", ctx.t("lib.folders"))]));
                }
                small #f-folder-hint {
                    (ctx.t("lib.folder_path_hint"))
                    @if !chosen.is_empty() { " " (ctx.t("lib.folder_untick")) }
                }
            }
        }
    }
}
