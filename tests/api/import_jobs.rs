//! Imports that run in the background: a job polled to its end with its counts and the folder
//! tree, the same file again, a job nobody else can see, bad files refused before anything is
//! queued, a job cut off by a stop taken up again by the next start, and a library of 25,000
//! bookmarks in 960 folders while someone else keeps writing.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;
use slugbase::store::{args, Store};

use crate::helpers::{expect, spawn_with, Person, TestApp};
use crate::import_files::tree;
use crate::import_tree::{placed, send, total, NESTED, NESTED_TREE};
use crate::library::{bookmark, office};

const IMPORT: &str = "/api/bookmarks/import";

/// Queues `html` as a background import; the job's id.
async fn start_job(app: &TestApp, who: &Person, html: &str) -> String {
    let path = format!("{IMPORT}?background=true");
    let res = send(app, who, &path, "text/html", html.to_string()).await;
    let location = res.headers().get("location").cloned();
    let body = expect(res, StatusCode::ACCEPTED).await;
    let id = body["job_id"].as_str().expect("a job id").to_string();
    assert_eq!(body["status_url"], format!("{IMPORT}/{id}"));
    assert_eq!(
        location.unwrap().to_str().unwrap(),
        format!("{IMPORT}/{id}")
    );
    assert_eq!(body["job"]["id"], id.as_str());
    id
}

/// Polls job `id` until it has ended; its last answer.
async fn finished(app: &TestApp, who: &Person, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let job = expect(
            app.get(&format!("{IMPORT}/{id}"), Some(&who.jwt)).await,
            StatusCode::OK,
        )
        .await;
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        assert!(Instant::now() < deadline, "the job did not end: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_background_import_keeps_the_tree_and_the_same_file_again_adds_nothing() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let id = start_job(app, alice, NESTED).await;
    let job = finished(app, alice, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(
        (
            &job["total"],
            &job["read"],
            &job["imported"],
            &job["merged"]
        ),
        (&json!(7), &json!(7), &json!(7), &json!(1)),
        "{job}"
    );
    assert_eq!(job["folders_created"], 7);
    assert_eq!(tree(app, alice).await, NESTED_TREE);
    let docs = placed(app, alice).await;
    assert!(docs.contains(&(
        "Docs".to_string(),
        vec!["Home > Docs".to_string(), "Work > Docs".to_string()]
    )));

    let again = finished(app, alice, &start_job(app, alice, NESTED).await).await;
    assert_eq!(
        (
            &again["imported"],
            &again["already_there"],
            &again["folders_created"]
        ),
        (&json!(0), &json!(7), &json!(0)),
        "{again}"
    );
    assert_eq!(again["report"]["items"], json!([]), "nothing needs a look");
    assert_eq!(total(app, alice).await, 7);
    assert_eq!(tree(app, alice).await, NESTED_TREE);
}

/// A file of `n` bookmarks in ten folders of two levels; every hundredth has an address that is
/// not a link, the tenth a keyword already taken, and the first is in the file twice.
fn big_file(n: usize) -> String {
    let mut out = String::from("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n");
    for f in 0..10 {
        out.push_str(&format!(
            "<DT><H3>Area {f}</H3>\n<DL><p>\n<DT><H3>Part</H3>\n<DL><p>\n"
        ));
        for i in (f * n / 10)..((f + 1) * n / 10) {
            let url = if i % 100 == 99 {
                format!("javascript:void({i})")
            } else {
                format!("https://site{i}.example/")
            };
            let keyword = if i == 10 {
                " SHORTCUTURL=\"taken\""
            } else {
                ""
            };
            out.push_str(&format!("<DT><A HREF=\"{url}\"{keyword}>Site {i}</A>\n"));
        }
        out.push_str("</DL><p>\n</DL><p>\n");
    }
    out.push_str("<DT><A HREF=\"https://site0.example/\">Site 0 again</A>\n</DL><p>\n");
    out
}

#[tokio::test]
async fn a_background_import_counts_as_it_goes_and_lists_only_what_needs_a_look() {
    let app = spawn_with(Mode::Selfhosted, |c| c.import_batch_size = 100).await;
    let ada = app.setup_admin("ada@example.com").await;
    bookmark(
        &app,
        &ada,
        json!({"title": "Mine", "url": "https://mine.example/", "slug": "taken", "forwarding_enabled": true}),
    )
    .await;
    let id = start_job(&app, &ada, &big_file(1_000)).await;
    let job = finished(&app, &ada, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["file_name"], Value::Null);
    assert_eq!(
        (&job["total"], &job["read"]),
        (&json!(1_001), &json!(1_001))
    );
    assert_eq!(job["imported"], 990);
    assert_eq!(job["failed"], 10);
    assert_eq!(job["already_there"], 0);
    assert_eq!(job["merged"], 1, "Site 0 again, with another title");
    assert_eq!(job["kept_without_slug"], 1);
    assert_eq!(job["folders_created"], 20);
    assert!(job["started_at"].is_string() && job["finished_at"].is_string());
    let report = &job["report"];
    assert_eq!(report["imported"], 990);
    assert_eq!(report["success"], 990);
    assert_eq!(report["failed"], 10);
    assert_eq!(report["message"], "Imported 990 bookmark(s), 10 failed");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 11, "ten not added and one without its keyword");
    assert_eq!(items[0]["index"], 10);
    assert_eq!(items[0]["outcome"], "kept_without_slug");
    assert!(items[1..].iter().all(|i| i["outcome"] == "failed"));
    assert_eq!(report["errors"].as_array().unwrap().len(), 10);
    assert_eq!(report["errors"][0]["index"], 99);
    assert_eq!(total(&app, &ada).await, 991);
}

#[tokio::test]
async fn an_import_job_is_only_its_owners_in_its_organization() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let id = start_job(app, alice, NESTED).await;
    finished(app, alice, &id).await;
    let path = format!("{IMPORT}/{id}");
    // Bob, in the same organization.
    let res = app.get(&path, Some(&bob.jwt)).await;
    assert_eq!(
        expect(res, StatusCode::NOT_FOUND).await,
        json!({"error": "Import not found"})
    );
    // Alice herself, acting in another organization of hers.
    let other = expect(
        app.post(
            "/api/organizations",
            Some(&alice.jwt),
            json!({"name": "Side"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let res = app
        .req(Method::GET, &path, Some(&alice.jwt))
        .header("X-Organization-Id", other["id"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Ids that are no job.
    for missing in [
        format!("{IMPORT}/{}", uuid::Uuid::new_v4()),
        format!("{IMPORT}/not-an-id"),
    ] {
        assert_eq!(
            app.get(&missing, Some(&alice.jwt)).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.get(&path, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&path, Some(&alice.jwt)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_bad_file_is_refused_before_a_job_is_queued_and_changes_nothing() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let queued = format!("{IMPORT}?background=true");
    for (content_type, body, message) in [
        (
            "text/html",
            "<html><body>Hello</body></html>",
            "Not a bookmark file",
        ),
        ("text/html", "  \n", "empty"),
        (
            "application/json",
            "{\"hello\": 1}",
            "Expected a JSON array",
        ),
        ("application/json", "[1, 2", "not valid JSON"),
    ] {
        let body = expect(
            send(app, alice, &queued, content_type, body.to_string()).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(body["error"].as_str().unwrap().contains(message), "{body}");
    }
    let res = send(app, alice, &queued, "text/plain", NESTED.to_string()).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = send(
        app,
        alice,
        &format!("{IMPORT}?background=maybe"),
        "text/html",
        NESTED.to_string(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(total(app, alice).await, 0);
    assert_eq!(tree(app, alice).await, Vec::<String>::new());
    let store = &app.state.store;
    let mut db = store.read().await.unwrap();
    let jobs: i64 = db
        .conn()
        .scalar("SELECT COUNT(*) FROM import_jobs", args![])
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}

/// The status and items read of job `id`, read from the database itself.
async fn stored(store: &Store, id: &str) -> (String, i64) {
    let mut db = store.read().await.unwrap();
    db.conn()
        .fetch_one(
            "SELECT status, items_read FROM import_jobs WHERE id = $1",
            args![id],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_cut_off_by_a_stop_is_taken_up_again_where_it_got_to() {
    // One bookmark per batch, so the stop comes in the middle of the file.
    let mut app = spawn_with(Mode::Selfhosted, |c| c.import_batch_size = 1).await;
    let ada = app.setup_admin("ada@example.com").await;
    let file = big_file(3_000);
    let id = start_job(&app, &ada, &file).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = expect(
            app.get(&format!("{IMPORT}/{id}"), Some(&ada.jwt)).await,
            StatusCode::OK,
        )
        .await;
        if job["read"].as_i64().unwrap() >= 10 {
            break;
        }
        assert!(Instant::now() < deadline, "the job did not start: {job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.shut_down().await;
    // A clean stop puts the job back in the queue, with what it had written.
    let store = Store::connect(&app.database_url).await.unwrap();
    let (status, read) = stored(&store, &id).await;
    assert_eq!(status, "queued");
    assert!((10..3_001).contains(&read), "{read}");
    // Now as if the server had died in the middle of it a while ago instead: still "running",
    // by an instance that is gone.
    let long_ago = slugbase::domain::Timestamp::now().millis() - 600_000;
    let mut tx = store.begin().await.unwrap();
    tx.conn()
        .execute(
            "UPDATE import_jobs SET status = 'running', holder = 'gone', heartbeat_at = $2 \
             WHERE id = $1",
            args![id.as_str(), long_ago],
        )
        .await
        .unwrap();
    tx.commit_quietly().await.unwrap();
    store.close().await;

    let again = app.reopen().await;
    let job = finished(&again, &ada, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["read"], 3_001);
    assert_eq!(job["imported"], 2_970, "{job}");
    assert_eq!(job["failed"], 30);
    assert_eq!(total(&again, &ada).await, 2_970, "no batch written twice");
}

/// A browser's file at a real size: `n` bookmarks in 960 folders three deep (15 at the top,
/// 7 in each, 8 in each of those), some tagged, each with a small icon as browsers write them.
fn library_file(n: usize) -> String {
    let icon = format!("data:image/png;base64,{}", "A".repeat(120));
    let leaves = 15 * 7 * 8;
    let mut by_leaf: Vec<Vec<usize>> = vec![Vec::new(); leaves];
    for i in 0..n {
        by_leaf[i % leaves].push(i);
    }
    let mut out = String::from(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n",
    );
    let mut leaf = 0;
    for top in 0..15 {
        out.push_str(&format!("<DT><H3>Area {top}</H3>\n<DL><p>\n"));
        for mid in 0..7 {
            out.push_str(&format!("<DT><H3>Topic {mid}</H3>\n<DL><p>\n"));
            for low in 0..8 {
                out.push_str(&format!("<DT><H3>Shelf {low}</H3>\n<DL><p>\n"));
                for &i in &by_leaf[leaf] {
                    let tags = if i % 10 == 0 {
                        format!(" TAGS=\"tag{}\"", (i / 10) % 50)
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "<DT><A HREF=\"https://host{}.example/page/{i}\" ADD_DATE=\"1700000000\" ICON=\"{icon}\"{tags}>Page {i}</A>\n",
                        i % 500
                    ));
                }
                out.push_str("</DL><p>\n");
                leaf += 1;
            }
            out.push_str("</DL><p>\n");
        }
        out.push_str("</DL><p>\n");
    }
    out.push_str("</DL><p>\n");
    out
}

#[tokio::test]
async fn a_library_of_25000_bookmarks_in_960_folders_imports_while_others_keep_writing() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let file = library_file(25_000);
    let started = Instant::now();
    let id = start_job(app, alice, &file).await;
    // Bob keeps adding bookmarks meanwhile: each waits for one batch at most.
    let mut slowest = Duration::ZERO;
    let mut written = 0;
    let job = loop {
        let job = expect(
            app.get(&format!("{IMPORT}/{id}"), Some(&alice.jwt)).await,
            StatusCode::OK,
        )
        .await;
        if job["status"] == "done" || job["status"] == "failed" {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{job}");
        let asked = Instant::now();
        bookmark(
            app,
            bob,
            json!({"title": "Meanwhile", "url": format!("https://meanwhile.example/{written}")}),
        )
        .await;
        slowest = slowest.max(asked.elapsed());
        written += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = started.elapsed();
    eprintln!(
        "25,000 bookmarks in 960 folders on {}: {took:?}; Bob's slowest write meanwhile {slowest:?} ({written} writes)",
        app.state.store.kind()
    );
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(
        (
            &job["imported"],
            &job["folders_created"],
            &job["tags_created"]
        ),
        (&json!(25_000), &json!(960), &json!(50))
    );
    assert!(slowest < Duration::from_secs(10), "{slowest:?}");
    assert_eq!(tree(app, alice).await.len(), 960);
    assert_eq!(total(app, alice).await, 25_000);
    // And once more: nothing is added twice.
    let again = finished(app, alice, &start_job(app, alice, &file).await).await;
    eprintln!("the same file again: {:?} in all", started.elapsed() - took);
    assert_eq!(
        (
            &again["imported"],
            &again["already_there"],
            &again["folders_created"]
        ),
        (&json!(0), &json!(25_000), &json!(0))
    );
}
