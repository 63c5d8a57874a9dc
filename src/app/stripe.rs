//! Stripe, over its public HTTP API (form-encoded requests, JSON answers) and its webhook
//! signature scheme. The base URL is configurable so tests can run a local server that speaks
//! the same wire format.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::error::{AppError, Result};
use crate::security::constant_time_eq;

/// How old a signed webhook may be.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
}

#[derive(Deserialize)]
struct Session {
    url: String,
}

impl Client {
    pub fn new(base: &str, key: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .expect("an HTTP client builds"),
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn post_form(&self, path: &str, form: &[(String, String)]) -> Result<String> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .form(form)
            .send()
            .await
            .map_err(|e| provider_error(format!("request to Stripe failed: {e}")))?;
        let status = res.status();
        if !status.is_success() {
            let body = res.text().await.unwrap_or_default();
            return Err(provider_error(format!("Stripe answered {status}: {body}")));
        }
        let session: Session = res
            .json()
            .await
            .map_err(|e| provider_error(format!("unexpected answer from Stripe: {e}")))?;
        Ok(session.url)
    }

    /// A Checkout Session for a subscription; returns the URL to send the customer to.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn checkout_session(&self, form: Vec<(String, String)>) -> Result<String> {
        self.post_form("/v1/checkout/sessions", &form).await
    }

    /// A Customer Portal session; returns its URL.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn portal_session(&self, customer: &str, return_url: &str) -> Result<String> {
        let form = vec![
            ("customer".to_string(), customer.to_string()),
            ("return_url".to_string(), return_url.to_string()),
        ];
        self.post_form("/v1/billing_portal/sessions", &form).await
    }
}

fn provider_error(detail: String) -> AppError {
    tracing::error!(%detail, "billing provider error");
    AppError::Upstream("Billing provider error")
}

/// Checks a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=…]`) against the raw body: the
/// HMAC-SHA256 of `"<t>.<body>"` with the endpoint secret, at most five minutes old.
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now_secs: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return false;
    };
    if (now_secs - t).abs() > SIGNATURE_TOLERANCE_SECS {
        return false;
    }
    let expected = sign(secret, t, body);
    signatures
        .iter()
        .any(|s| constant_time_eq(s.as_bytes(), expected.as_bytes()))
}

/// The hex `v1` signature of `body` at time `t` (what Stripe sends; tests sign with it too).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_correct_signature_verifies() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", sign("whsec_x", 1000, body));
        assert!(verify_signature("whsec_x", &header, body, 1100));
        let rotated = format!("t=1000,v1=deadbeef,v1={}", sign("whsec_x", 1000, body));
        assert!(
            verify_signature("whsec_x", &rotated, body, 1000),
            "any v1 may match"
        );
    }

    #[test]
    fn wrong_secret_body_or_age_fails() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", sign("whsec_x", 1000, body));
        assert!(!verify_signature("whsec_y", &header, body, 1000));
        assert!(!verify_signature(
            "whsec_x",
            &header,
            br#"{"id":"evt_2"}"#,
            1000
        ));
        assert!(!verify_signature("whsec_x", &header, body, 1000 + 301));
        assert!(!verify_signature("whsec_x", "v1=abc", body, 1000));
        assert!(!verify_signature("whsec_x", "", body, 1000));
    }
}
