//! What every page shares: the headers, the assets, the 404 page.

use crate::browser::{no_redirects, Browser};
use crate::helpers::spawn_app;
use slugbase::config::Mode;

#[tokio::test]
async fn an_unknown_page_is_a_404_page_in_the_visitors_language_with_strict_headers() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .client
        .get(app.url("/no-such-page"))
        .header("accept-language", "de-DE,de;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"de\""), "{body}");
    assert!(body.contains("Nicht gefunden"));

    let b = Browser::open(&app.base).await;
    b.goto("/no-such-page").await;
    b.check_page("not-found").await;
    b.close().await;
}

#[tokio::test]
async fn assets_are_served_under_hashed_names_for_a_year() {
    let app = spawn_app(Mode::Selfhosted).await;
    let css = slugbase::web::assets::url("app.css");
    let res = app.client.get(app.url(&css)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(
        app.client
            .get(app.url("/assets/app.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn an_expired_cloud_session_is_renewed_from_the_refresh_cookie_before_asking_to_sign_in() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("ada@example.com", "Ada").await;
    let res = app.login("ada@example.com", crate::helpers::PASSWORD).await;
    let refresh = crate::helpers::cookie(&res, "refresh_token").unwrap();
    let client = no_redirects();

    let res = client
        .get(app.url("/api/auth/resume?redirect=%2Fbookmarks%3Fq%3Dx"))
        .header("cookie", format!("refresh_token={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/bookmarks?q=x");
    let jwt = crate::helpers::cookie(&res, "token").expect("a new access token");
    let me = app.get("/api/auth/me", Some(&jwt)).await;
    assert_eq!(me.status(), 200);

    // The refresh token worked once; a replay a minute later (or none at all) goes to sign-in,
    // and a `redirect` that leaves the site is dropped. (Within 30 s of its exchange it still
    // gives its successor: two tabs renewing at once.)
    app.exec(
        "UPDATE refresh_tokens SET used_at = used_at - 60000 WHERE used_at IS NOT NULL",
        &[],
    )
    .await;
    for cookie in [format!("refresh_token={refresh}"), String::new()] {
        let res = client
            .get(app.url("/api/auth/resume?redirect=%2Fbookmarks"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/login?redirect=%2Fbookmarks");
    }
    let res = client
        .get(app.url("/api/auth/resume?redirect=%2F%2Fevil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn the_header_switcher_changes_the_current_organization_only_with_the_csrf_token() {
    let app = spawn_app(Mode::Cloud).await;
    let ada = app.signup("ada@example.com", "Ada").await;
    let first = crate::helpers::expect(
        app.get("/api/session/org", Some(&ada.jwt)).await,
        reqwest::StatusCode::OK,
    )
    .await["organizationId"]
        .as_str()
        .unwrap()
        .to_string();
    let second = crate::helpers::expect(
        app.post(
            "/api/organizations",
            Some(&ada.jwt),
            serde_json::json!({"name": "Second"}),
        )
        .await,
        reqwest::StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = no_redirects();
    let page = client
        .get(app.url("/no-such-page"))
        .header("cookie", format!("token={}", ada.jwt))
        .send()
        .await
        .unwrap();
    let csrf = crate::helpers::cookie(&page, "csrf_token").expect("pages set a CSRF cookie");
    let cookies = format!("token={}; csrf_token={csrf}", ada.jwt);
    let current = || async {
        let body = crate::helpers::expect(
            app.get("/api/session/org", Some(&ada.jwt)).await,
            reqwest::StatusCode::OK,
        )
        .await;
        body["organizationId"].as_str().unwrap().to_string()
    };
    let before = current().await;

    for token in [
        "",
        "forged.token",
        &slugbase::security::csrf::issue(b"another key", None),
    ] {
        let res = client
            .post(app.url("/session/org"))
            .header("cookie", &cookies)
            .form(&[
                ("organizationId", second.as_str()),
                ("csrf_token", token),
                ("redirect", "/tags"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "token {token:?}");
        assert!(res.text().await.unwrap().contains("role=\"alert\""));
        assert_eq!(current().await, before);
    }

    let target = if before == first { &second } else { &first };
    let res = client
        .post(app.url("/session/org"))
        .header("cookie", &cookies)
        .form(&[
            ("organizationId", target.as_str()),
            ("csrf_token", &csrf),
            ("redirect", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");
    assert_eq!(&current().await, target);

    // An organization the person is not in is refused, and nothing changes.
    let other = app.signup("bob@example.com", "Bob").await;
    let bobs = crate::helpers::expect(
        app.get("/api/session/org", Some(&other.jwt)).await,
        reqwest::StatusCode::OK,
    )
    .await["organizationId"]
        .as_str()
        .unwrap()
        .to_string();
    let res = client
        .post(app.url("/session/org"))
        .header("cookie", &cookies)
        .form(&[("organizationId", bobs.as_str()), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(&current().await, target);
}

#[tokio::test]
async fn the_api_reference_keeps_working_under_the_pages_headers() {
    let app = spawn_app(Mode::Selfhosted).await;
    let b = Browser::open(&app.base).await;
    b.goto("/api-docs").await;
    b.find(".swagger-ui").await;
    let errors = b.console_errors().await;
    assert!(errors.is_empty(), "{errors:?}");
    b.close().await;
}
