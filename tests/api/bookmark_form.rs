//! The bookmark form as a browser without JavaScript sends it (plain `POST`s of its fields), on
//! both databases: tags and whom to share with are typed as comma-separated names, folders
//! come as ids; and the suggestions the form's script asks for while typing.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect, Person, TestApp, PASSWORD};
use crate::library::{folder, get_ok, id, office, tag, team};

/// A cookie-keeping client signed in as `who`, with the CSRF token its pages carry.
pub async fn page_client(app: &TestApp, who: &Person) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": who.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let page = client.get(app.url("/bookmarks/new")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries its CSRF token")
        .to_string();
    (client, csrf)
}

/// Posts the form at `path` with `fields` (and the token); the answer's status and text.
pub async fn post_form(
    app: &TestApp,
    (client, csrf): &(reqwest::Client, String),
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = client.post(app.url(path)).form(&form).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn names(list: &Value, key: &str) -> Vec<String> {
    let mut v: Vec<String> = list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

async fn only_bookmark(app: &TestApp, who: &Person) -> Value {
    let list = get_ok(app, who, "/api/bookmarks").await;
    assert_eq!(list["total"], 1, "{list}");
    list["items"][0].clone()
}

async fn tag_names(app: &TestApp, who: &Person) -> Vec<String> {
    let tags = get_ok(app, who, "/api/tags?limit=500").await;
    let mut v: Vec<String> = tags["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// A member saves a bookmark from the form without JavaScript: typed tags are found in any
/// letter case or made, the folder comes from the list, and people and a team of theirs are
/// named; an edit empties the fields again. A name that is no one (or a team they are not in),
/// one that could be two, or a bad tag name is a 400 page with an alert, and nothing changes.
#[tokio::test]
async fn a_member_saves_the_form_with_typed_tags_folders_and_shares() {
    let o = office().await;
    let (app, alice, bob, carol) = (&o.app, &o.alice, &o.bob, &o.carol);
    team(app, alice, "Platform", &[bob]).await;
    team(app, alice, "Sales", &[carol]).await;
    let runbooks = folder(app, bob, json!({"name": "Runbooks"})).await;
    let pager = folder(app, bob, json!({"name": "Pager", "parent_id": runbooks})).await;
    let oncall = tag(app, bob, "oncall").await;
    let form = page_client(app, bob).await;

    let long = "x".repeat(101);
    let refused = [
        ("Platform, Nobody Here", "new, tags", "“Nobody Here”"),
        ("Sales", "new", "“Sales”"),
        ("carol, x@nowhere.example", "new", "“x@nowhere.example”"),
        ("Platform", long.as_str(), "Tag name"),
        ("Platform", "bell\u{7}", "control characters"),
    ];
    for (share, tags, said) in refused {
        let (status, html) = post_form(
            app,
            &form,
            "/bookmarks/new",
            &[
                ("title", "Pager runbook"),
                ("url", "https://runbooks.example/pager"),
                ("tags", tags),
                ("share_with", share),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{share} / {tags}");
        assert!(html.contains("role=\"alert\""), "{html}");
        assert!(html.contains(said), "{said} not in the alert:\n{html}");
        // What was typed stays in the form.
        assert!(html.contains("value=\"Pager runbook\""));
    }
    assert_eq!(get_ok(app, bob, "/api/bookmarks").await["total"], 0);
    assert_eq!(tag_names(app, bob).await, ["oncall"]);

    let (status, html) = post_form(
        app,
        &form,
        "/bookmarks/new",
        &[
            ("title", "Pager runbook"),
            ("url", "https://runbooks.example/pager"),
            ("tags", "OnCall, Pager Duty, , oncall ,\"ops, infra\""),
            ("folder_ids", &runbooks),
            ("folder_ids", &pager),
            ("folder_ids", ""),
            ("share_with", "platform, carol@example.com, bob"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let b = only_bookmark(app, bob).await;
    assert_eq!(names(&b, "tags"), ["Pager Duty", "oncall", "ops, infra"]);
    assert!(b["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == oncall.as_str()));
    assert_eq!(names(&b, "folders"), ["Pager", "Runbooks"]);
    assert_eq!(names(&b, "shared_teams"), ["Platform"]);
    assert_eq!(names(&b, "shared_users"), ["carol"]);
    assert_eq!(
        tag_names(app, bob).await,
        ["Pager Duty", "oncall", "ops, infra"]
    );

    // The edit form shows them as typed names, a name with a comma in quotes.
    let edit = format!("/bookmarks/{}/edit", id(&b));
    let html = form.0.get(app.url(&edit)).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains("&quot;ops, infra&quot;"), "{html}");
    // Folders by their path, ticked; no page lists every folder.
    assert!(
        html.contains(&format!(
            "value=\"{pager}\" id=\"f-folder-1\" checked>Runbooks › Pager</label>"
        )),
        "{html}"
    );
    assert!(html.contains("oncall"), "{html}");
    assert!(
        html.contains("value=\"Platform, carol &lt;carol@example.com&gt;\""),
        "{html}"
    );

    // A team named as a person is: say which one.
    team(app, alice, "carol", &[bob]).await;
    let (status, html) = post_form(
        app,
        &form,
        &edit,
        &[
            ("title", "Pager runbook"),
            ("url", "https://runbooks.example/pager"),
            ("share_with", "carol"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("could be more than one"), "{html}");
    assert_eq!(
        names(&only_bookmark(app, bob).await, "shared_users"),
        ["carol"]
    );

    let (status, _) = post_form(
        app,
        &form,
        &edit,
        &[
            ("title", "Pager handbook"),
            ("url", "https://runbooks.example/pager"),
            ("tags", ""),
            ("share_with", "carol <carol@example.com>"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let b = only_bookmark(app, bob).await;
    assert_eq!(b["title"], "Pager handbook");
    assert_eq!(b["tags"], json!([]));
    assert_eq!(b["folders"], json!([]));
    assert_eq!(b["shared_teams"], json!([]));
    assert_eq!(names(&b, "shared_users"), ["carol"]);
}

/// The suggestions behind the typed fields: a person's own tags containing what they typed
/// (those starting with it first, at most ten), and whom they may share with (a member only
/// their own teams).
#[tokio::test]
async fn the_typed_fields_suggest_own_tags_and_whom_one_may_share_with() {
    let o = office().await;
    let (app, alice, bob, carol) = (&o.app, &o.alice, &o.bob, &o.carol);
    team(app, alice, "Platform", &[bob]).await;
    team(app, alice, "Plants", &[carol]).await;
    for name in ["deploy", "redeploy", "Deployment notes"] {
        tag(app, bob, name).await;
    }
    for i in 0..12 {
        tag(app, bob, &format!("zz{i:02}")).await;
    }
    tag(app, alice, "deploy-secret").await;
    let (bob_pages, _) = page_client(app, bob).await;
    let get = |client: &reqwest::Client, path: &str| {
        let req = client.get(app.url(path));
        async move { expect(req.send().await.unwrap(), StatusCode::OK).await }
    };
    let labels = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };

    let found = get(&bob_pages, "/tags/suggest?q=DEPLOY").await;
    assert_eq!(labels(&found), ["deploy", "Deployment notes", "redeploy"]);
    assert_eq!(found[0]["value"], "deploy");
    assert_eq!(
        labels(&get(&bob_pages, "/tags/suggest?q=zz").await).len(),
        10
    );
    assert_eq!(get(&bob_pages, "/tags/suggest?q=%25").await, json!([]));
    assert_eq!(get(&bob_pages, "/tags/suggest?q=").await, json!([]));

    let found = get(&bob_pages, "/share/suggest?q=pla").await;
    assert_eq!(labels(&found), ["Platform"]);
    assert_eq!(found[0]["detail"], "Team");
    let found = get(&bob_pages, "/share/suggest?q=car").await;
    assert_eq!(labels(&found), ["carol <carol@example.com>"]);
    assert_eq!(found[0]["value"], "carol <carol@example.com>");
    let (alice_pages, _) = page_client(app, alice).await;
    assert_eq!(
        labels(&get(&alice_pages, "/share/suggest?q=pla").await),
        ["Plants", "Platform"]
    );

    // Signed out, there is nothing to suggest.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/tags/suggest?q=de"))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::OK);
}
