//! Folders and tags named by typing them, as the list's filter, the bulk bar and the bookmark
//! form take them (plain GETs and POSTs, as a browser without JavaScript sends them), and the
//! folder suggestions the script asks for.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::bookmark_form::{page_client, post_form};

use crate::library::{bookmark, folder, get_ok, id, office, tag};

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// The filter panel's typed folder and tag lead to the list's address by ids; a name that is
/// no folder or tag of the person's is said so and filters nothing; a name two folders share
/// asks for the path. Another person's folders are never found by name.
#[tokio::test]
async fn the_list_is_filtered_by_a_typed_folder_path_and_tag_name() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let reading = folder(app, bob, json!({"name": "Reading"})).await;
    let ebooks = folder(app, bob, json!({"name": "Ebooks", "parent_id": reading})).await;
    let work = folder(app, bob, json!({"name": "Work"})).await;
    folder(app, bob, json!({"name": "Ebooks", "parent_id": work})).await;
    folder(app, alice, json!({"name": "Secret plans"})).await;
    let oncall = tag(app, bob, "oncall").await;
    bookmark(app, bob, json!({"title": "In ebooks", "url": "https://a.example/", "folder_ids": [ebooks], "tag_ids": [oncall]})).await;
    bookmark(
        app,
        bob,
        json!({"title": "Elsewhere", "url": "https://b.example/"}),
    )
    .await;
    let (client, _) = page_client(app, bob).await;
    let get = |path: &str| client.get(app.url(path)).send();

    let res = get("/bookmarks?folder=reading+%3E+EBOOKS&tag=OnCall&q=")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(
        to.contains(&format!("folder_id={ebooks}")) && to.contains(&format!("tag_id={oncall}")),
        "{to}"
    );
    let html = get(&to).await.unwrap().text().await.unwrap();
    assert!(
        html.contains("In ebooks") && !html.contains("Elsewhere"),
        "{html}"
    );
    assert!(html.contains("Folder: Reading › Ebooks") && html.contains("#oncall"));
    // Unchanged text beside the id keeps the filter without a round trip; blank text drops it.
    let path = format!("/bookmarks?folder_id={ebooks}&folder=Reading+%E2%80%BA+Ebooks");
    assert_eq!(get(&path).await.unwrap().status(), StatusCode::SEE_OTHER);
    let res = get(&format!("/bookmarks?folder_id={ebooks}&folder="))
        .await
        .unwrap();
    assert_eq!(location(&res), "/bookmarks");

    for (typed, said) in [
        ("folder=Ebooks", "Several of your folders are called “Ebooks”: type its path, such as “Reading › Ebooks”."),
        ("folder=Secret+plans", "No folder of yours is called “Secret plans”."),
        ("tag=nope", "You have no tag called “nope”."),
    ] {
        let res = get(&format!("/bookmarks?{typed}")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{typed}");
        let html = res.text().await.unwrap();
        assert!(html.contains("role=\"alert\"") && html.contains(said), "{typed}: {html}");
        assert!(html.contains("Elsewhere"), "nothing is filtered");
    }

    // The suggestions: paths, with ids for the form's picker; never another person's folders.
    let found: Value = get("/folders/suggest?q=EB")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["Reading › Ebooks", "Work › Ebooks"]);
    assert_eq!(found[0]["id"], ebooks.as_str());
    let none: Value = get("/folders/suggest?q=secret")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
}

/// The bookmark form takes one more folder by its path; a folder it cannot name is a 400 with
/// the form as typed, and nothing is saved.
#[tokio::test]
async fn the_form_saves_into_a_typed_folder_and_refuses_one_it_cannot_name() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let reading = folder(app, bob, json!({"name": "Reading"})).await;
    let ebooks = folder(app, bob, json!({"name": "Ebooks", "parent_id": reading})).await;
    let work = folder(app, bob, json!({"name": "Work"})).await;
    folder(app, bob, json!({"name": "Ebooks", "parent_id": work})).await;
    folder(app, alice, json!({"name": "Alice only"})).await;
    let form = page_client(app, bob).await;
    let fields = |folder: &'static str| {
        vec![
            ("title", "Rust book"),
            ("url", "https://doc.rust-lang.org/book/"),
            ("folder", folder),
        ]
    };
    for (typed, said) in [
        ("Ebooks", "Several of your folders"),
        ("Alice only", "No folder of yours"),
    ] {
        let (status, html) = post_form(app, &form, "/bookmarks/new", &fields(typed)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{typed}");
        assert!(
            html.contains(said) && html.contains("value=\"Rust book\""),
            "{html}"
        );
    }
    assert_eq!(get_ok(app, bob, "/api/bookmarks").await["total"], 0);

    let (status, _) = post_form(app, &form, "/bookmarks/new", &fields("Reading › Ebooks")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let b = &get_ok(app, bob, "/api/bookmarks").await["items"][0];
    assert_eq!(b["folders"][0]["id"], ebooks.as_str());
    // The edit form names the chosen folder by its path, as a ticked box.
    let (client, _) = &form;
    let html = client
        .get(app.url(&format!("/bookmarks/{}/edit", id(b))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("value=\"{ebooks}\"")) && html.contains("Reading › Ebooks"));
}

/// Bulk actions name their folder, tags and people by typing: moving into a typed folder,
/// adding typed tags (made when new), sharing with a typed person; a name that is no one, or
/// no folder, changes none of the ticked bookmarks.
#[tokio::test]
async fn bulk_actions_take_typed_folders_tags_and_people() {
    let o = office().await;
    let (app, bob) = (&o.app, &o.bob);
    let runbooks = folder(app, bob, json!({"name": "Runbooks"})).await;
    let one = id(&bookmark(
        app,
        bob,
        json!({"title": "One", "url": "https://one.example/"}),
    )
    .await);
    let two = id(&bookmark(
        app,
        bob,
        json!({"title": "Two", "url": "https://two.example/"}),
    )
    .await);
    let form = page_client(app, bob).await;
    let bulk = |action: &'static str, field: &'static str, value: &'static str| {
        vec![
            ("action", action),
            (field, value),
            ("ids", one.as_str()),
            ("ids", two.as_str()),
            ("return_to", "/bookmarks"),
        ]
    };
    for (action, field, value, said) in [
        (
            "move",
            "folder",
            "Nowhere",
            "No folder of yours is called “Nowhere”.",
        ),
        (
            "share",
            "share_with",
            "nobody@example.com",
            "“nobody@example.com”",
        ),
        (
            "share",
            "share_with",
            " ",
            "Type whom to share the bookmarks with.",
        ),
        ("tag", "tags", "", "Type the tags to add."),
    ] {
        let (status, html) =
            post_form(app, &form, "/bookmarks/bulk", &bulk(action, field, value)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{action} {value}");
        assert!(html.contains(said), "{said}: {html}");
    }
    let list = get_ok(app, bob, "/api/bookmarks").await;
    for b in list["items"].as_array().unwrap() {
        assert_eq!(b["folders"], json!([]));
        assert_eq!(b["shared_users"], json!([]));
    }

    for (action, field, value) in [
        ("move", "folder", "runbooks"),
        ("tag", "tags", "ops, New one"),
        ("share", "share_with", "carol@example.com"),
    ] {
        let (status, _) =
            post_form(app, &form, "/bookmarks/bulk", &bulk(action, field, value)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{action}");
    }
    let list = get_ok(app, bob, "/api/bookmarks").await;
    for b in list["items"].as_array().unwrap() {
        assert_eq!(b["folders"][0]["id"], runbooks.as_str());
        let mut tags: Vec<&str> = b["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        tags.sort();
        assert_eq!(tags, ["New one", "ops"]);
        assert_eq!(b["shared_users"][0]["email"], "carol@example.com");
    }
    // An empty folder takes them out of every folder.
    let (status, _) = post_form(app, &form, "/bookmarks/bulk", &bulk("move", "folder", "")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let list = get_ok(app, bob, "/api/bookmarks").await;
    assert_eq!(list["items"][0]["folders"], json!([]));
}

#[tokio::test]
async fn a_bulk_action_over_own_and_shared_bookmarks_changes_none_of_them() {
    let o = office().await;
    let (app, bob, carol) = (&o.app, &o.bob, &o.carol);
    let own = id(&bookmark(
        app,
        bob,
        json!({"title": "Own", "url": "https://own.example/"}),
    )
    .await);
    let shared = id(&bookmark(
        app,
        carol,
        json!({"title": "Carol's", "url": "https://carol.example/", "user_ids": [bob.id]}),
    )
    .await);
    folder(app, bob, json!({"name": "Runbooks"})).await;
    let form = page_client(app, bob).await;
    for (action, field, value) in [
        ("tag", "tags", "ops"),
        ("move", "folder", "Runbooks"),
        ("share", "share_with", "alice@example.com"),
    ] {
        let fields = vec![
            ("action", action),
            (field, value),
            ("ids", own.as_str()),
            ("ids", shared.as_str()),
            ("return_to", "/bookmarks"),
        ];
        let (status, _) = post_form(app, &form, "/bookmarks/bulk", &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
    }
    let mine = get_ok(app, bob, &format!("/api/bookmarks/{own}")).await;
    assert_eq!(
        (mine["tags"].clone(), mine["folders"].clone()),
        (json!([]), json!([]))
    );
    assert_eq!(mine["shared_users"], json!([]));
    let theirs = get_ok(app, carol, &format!("/api/bookmarks/{shared}")).await;
    assert_eq!(theirs["tags"], json!([]));
    assert_eq!(theirs["shared_users"].as_array().unwrap().len(), 1);
}

/// `/folders` is the tree one level at a time: the top lists the person's top folders and the
/// others' folders shared with them; a folder's level has the way back up and takes new folders;
/// a search finds folders by path; another organization's folder is not found.
#[tokio::test]
async fn the_folder_page_walks_the_tree_one_level_at_a_time() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let reading = folder(app, bob, json!({"name": "Reading"})).await;
    let ebooks = folder(app, bob, json!({"name": "Ebooks", "parent_id": reading})).await;
    folder(
        app,
        alice,
        json!({"name": "Shared plans", "user_ids": [bob.id]}),
    )
    .await;
    folder(app, alice, json!({"name": "Alice private"})).await;
    let form = page_client(app, bob).await;
    let (client, _) = &form;
    let page = |path: String| async move {
        let res = client.get(app.url(&path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    };

    let (status, top) = page("/folders".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        top.contains(">Reading</a>") && top.contains("Shared plans"),
        "{top}"
    );
    assert!(!top.contains(">Ebooks</a>") && !top.contains("Alice private"));
    assert!(top.contains(&format!("href=\"/folders?parent={reading}\"")));

    let (_, level) = page(format!("/folders?parent={reading}")).await;
    assert!(
        level.contains(">Ebooks</a>") && level.contains("All folders"),
        "{level}"
    );
    assert!(level.contains(&format!("name=\"parent_id\" value=\"{reading}\"")));
    let (status, _) = post_form(
        app,
        &form,
        "/folders",
        &[("name", "Essays"), ("parent_id", &reading)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, level) = page(format!("/folders?parent={reading}")).await;
    assert!(level.contains(">Essays</a>"), "{level}");
    let (_, level) = page(format!("/folders?parent={ebooks}")).await;
    assert!(
        level.contains(&format!("href=\"/folders?parent={reading}\"")),
        "the way up: {level}"
    );

    let (_, found) = page("/folders?q=ess".into()).await;
    assert!(found.contains("Reading › Essays"), "{found}");

    // Not found: a made-up id, and (for bob) alice's private folder.
    let private = get_ok(app, alice, "/api/folders?limit=50").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Alice private")
        .map(id)
        .unwrap();
    for parent in [
        private.as_str(),
        "00000000-0000-4000-8000-000000000000",
        "x",
    ] {
        let (status, _) = page(format!("/folders?parent={parent}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{parent}");
    }
}

/// `/tags` lists a hundred tags a page, by name or by use, and finds them by name.
#[tokio::test]
async fn the_tag_page_pages_and_searches() {
    let o = office().await;
    let (app, bob) = (&o.app, &o.bob);
    for i in 0..130 {
        tag(app, bob, &format!("t{i:03}")).await;
    }
    let (client, _) = page_client(app, bob).await;
    let text = |path: &'static str| {
        let req = client.get(app.url(path));
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let first = text("/tags").await;
    assert!(
        first.contains(">t000</a>") && first.contains(">t099</a>") && !first.contains(">t100</a>")
    );
    assert!(
        first.contains("href=\"/tags?offset=100\""),
        "a pager: {first}"
    );
    let second = text("/tags?offset=100").await;
    assert!(
        second.contains(">t100</a>")
            && second.contains(">t129</a>")
            && !second.contains(">t099</a>")
    );
    let found = text("/tags?q=T12").await;
    assert!(
        found.contains(">t120</a>") && !found.contains(">t011</a>"),
        "{found}"
    );
    assert!(text("/tags?q=nothing").await.contains("No tag matches."));
}

/// Another organization's folder is not found on the folder page, nor suggested.
#[tokio::test]
async fn another_organizations_folder_is_not_browsed() {
    let t = crate::tenancy::two_tenants(slugbase::config::Mode::Cloud).await;
    let theirs = folder(&t.app, &t.bob, json!({"name": "Theirs"})).await;
    let (client, _) = page_client(&t.app, &t.alice).await;
    let res = client
        .get(t.app.url(&format!("/folders?parent={theirs}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let found: Value = client
        .get(t.app.url("/folders/suggest?q=the"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found, json!([]));
}
