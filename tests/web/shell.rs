//! What every page shares: the headers, the assets, the 404 page.

use crate::browser::Browser;
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
