//! Browsers call Wix directly for visitor and member tokens (the headless OAuth flow), so Wix's API
//! answers cross-origin requests. The sandbox does the same for every Wix route; `/_sandbox/*` stays
//! same-origin only, except the attestation token endpoint: it stands in for a CAPTCHA widget, which
//! runs in the page. The providers' siteverify endpoints answer no cross-origin request: they are for
//! servers (the providers send no CORS headers), so a page that calls one fails here as it would for
//! real. The allowed request headers include those Wix's JavaScript SDK (`@wix/sdk`) sends
//! from a browser: `x-wix-bi-gateway` on every call, `client-binding` on token requests when the site
//! sets it (`OAuthStrategy`'s `tokenRequestOptions`).

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::attestation::{self, ATTESTATION_TOKEN_PATH};

const ALLOWED_HEADERS: &str = "authorization, content-type, x-wix-bi-gateway, client-binding";

pub async fn cors(request: Request, next: Next) -> Response {
    if !answers_pages(request.uri().path()) || !request.headers().contains_key(header::ORIGIN) {
        return next.run(request).await;
    }
    if request.method() == Method::OPTIONS {
        return (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    "GET, POST, PUT, PATCH, DELETE",
                ),
                (header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS),
                (header::ACCESS_CONTROL_MAX_AGE, "600"),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// See the module docs.
fn answers_pages(path: &str) -> bool {
    path == ATTESTATION_TOKEN_PATH
        || !(path.starts_with("/_sandbox") || attestation::is_siteverify(path))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use crate::{Sandbox, seed};

    /// One raw HTTP/1.1 exchange; the answer's status line and headers, lowercased, and its body.
    async fn exchange(sandbox: &Sandbox, request: String) -> (String, String) {
        let addr = sandbox.addr;
        tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut raw = String::new();
            stream.read_to_string(&mut raw).unwrap();
            let (head, body) = raw.split_once("\r\n\r\n").unwrap();
            (head.to_ascii_lowercase(), body.to_owned())
        })
        .await
        .unwrap()
    }

    /// What `@wix/sdk`'s `OAuthStrategy` sends from a page for a visitor token (1.21.16): a preflight,
    /// then the POST with its BI header.
    #[tokio::test]
    async fn the_wix_sdks_token_request_from_a_browser_passes_the_preflight_and_gets_a_token() {
        let sandbox = Sandbox::spawn(0).await.unwrap();
        let origin = "http://127.0.0.1:3000";
        let (preflight, _) = exchange(
            &sandbox,
            format!(
                "OPTIONS /oauth2/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nOrigin: {origin}\r\n\
                 Access-Control-Request-Method: POST\r\n\
                 Access-Control-Request-Headers: content-type,x-wix-bi-gateway\r\n\r\n"
            ),
        )
        .await;
        assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
        let allowed = preflight
            .lines()
            .find_map(|l| l.strip_prefix("access-control-allow-headers: "))
            .unwrap();
        for header in ["content-type", "x-wix-bi-gateway", "client-binding"] {
            assert!(
                allowed.split(", ").any(|h| h == header),
                "{header}: {allowed}"
            );
        }

        let body = format!(
            r#"{{"clientId":"{}","grantType":"anonymous"}}"#,
            seed::CLIENT_ID
        );
        let (head, answer) = exchange(
            &sandbox,
            format!(
                "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nOrigin: {origin}\r\n\
                 Content-Type: application/json\r\n\
                 x-wix-bi-gateway: environment=js-sdk,package-name=@wix/sdk,\
                 method-fqn=wix.identity.oauth2.v1.Oauth2Ng.Token,entity=wix.identity.oauth.v1.refresh_token\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
        .await;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("access-control-allow-origin: *"), "{head}");
        let token: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert!(token["access_token"].is_string() && token["refresh_token"].is_string());
        sandbox.stop();
    }
}
