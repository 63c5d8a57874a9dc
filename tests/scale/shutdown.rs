//! SIGTERM: no new connections, requests in flight answered, pending visits written, exit 0.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::Server;

/// Opens `/go/docs` over and over on one keep-alive connection until the server stops
/// answering; counts the redirects it got.
async fn go_until_refused(base: String, token: String, answered: Arc<AtomicUsize>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    loop {
        match client
            .get(format!("{base}/go/docs"))
            .bearer_auth(&token)
            .send()
            .await
        {
            Ok(res) if res.status() == StatusCode::FOUND => {
                answered.fetch_add(1, Ordering::SeqCst);
            }
            Ok(res) => panic!("/go/docs answered {}", res.status()),
            Err(_) => return,
        }
        // Slow-ish: a steady stream rather than a flood.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn sigterm_answers_requests_in_flight_writes_every_answered_visit_and_exits_0() {
    let mut server = Server::start(None, &[]).await;
    let token = server.setup_admin("admin@example.com").await;
    let res = server
        .post(
            "/api/bookmarks",
            Some(&token),
            json!({"title": "docs", "url": "https://docs.example.com", "slug": "docs", "forwarding_enabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let docs: Value = res.json().await.unwrap();
    let docs = docs["id"].as_str().unwrap().to_string();

    let answered = Arc::new(AtomicUsize::new(0));
    let streams: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(go_until_refused(
                server.base.clone(),
                token.clone(),
                Arc::clone(&answered),
            ))
        })
        .collect();

    // A request whose body is still arriving when the signal comes: it is in flight.
    let body = json!({"title": "in flight", "url": "https://slow.example.com"}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/bookmarks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(first.as_bytes()).await.unwrap();
    slow.flush().await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    while answered.load(Ordering::SeqCst) < 20 {
        assert!(
            Instant::now() < deadline,
            "the go-link stream is not answered"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.sigterm();
    // Long enough that the server is well into its shutdown before the body is complete.
    tokio::time::sleep(Duration::from_millis(300)).await;
    slow.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight got: {answer}"
    );

    for s in streams {
        tokio::time::timeout(Duration::from_secs(10), s)
            .await
            .expect("the stream ends once the server stops")
            .unwrap();
    }
    let status = server.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit {status}:\n{}", server.log());
    assert_eq!(status.code(), Some(0));

    let again = server.restart().await;
    let token = again.login("admin@example.com").await;
    let res = again
        .get(&format!("/api/bookmarks/{docs}"), Some(&token))
        .await
        .unwrap();
    let got: Value = res.json().await.unwrap();
    let answered = answered.load(Ordering::SeqCst);
    assert_eq!(got["access_count"].as_u64(), Some(answered as u64), "{got}");
    let res = again.get("/api/bookmarks", Some(&token)).await.unwrap();
    let list: Value = res.json().await.unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["title"] == "in flight"),
        "{list}"
    );
}
